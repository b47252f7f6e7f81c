package dev.destill.app.config;

import dev.destill.core.DestillException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of Destill, declared once ({@link #ALL}), and their values as the environment and
 * the command line give them. A value is read from the setting's flag when a command was given it,
 * else from its environment variable (then its aliases), else its default; blank values count as
 * unset and values are trimmed. Errors name the setting and where its value came from. Immutable
 * and thread-safe.
 */
public final class Settings {
  /** The folder of the local history; see {@link #dataDir()} for its default. */
  public static final Setting<String> HOME =
      Setting.text(
              "DESTILL_HOME",
              "Folder of the local history (destill.db); default $XDG_DATA_HOME/destill or"
                  + " ~/.local/share/destill.")
          .withType("folder");

  /** PostgreSQL, which distributed mode's sink writes and every reader then reads. */
  public static final Setting<String> POSTGRES =
      Setting.text(
              "DESTILL_POSTGRES_URL",
              "PostgreSQL, as jdbc:postgresql://... or postgres://user:pass@host/db; when set, the"
                  + " history lives there instead of the local SQLite file.")
          .withAliases("POSTGRES_DSN")
          .withType("database URL")
          .masked();

  /** Kafka (or Redpanda) bootstrap servers of distributed mode. */
  public static final Setting<String> KAFKA =
      Setting.text(
              "DESTILL_KAFKA_BROKERS",
              "Kafka (or Redpanda) bootstrap servers of distributed mode, host:port[,host:port].")
          .withAliases("REDPANDA_BROKERS")
          .withType("host:port list");

  /** Partitions of the topics an agent creates. */
  public static final Setting<Integer> PARTITIONS =
      Setting.integer(
          "DESTILL_KAFKA_PARTITIONS",
          6,
          1,
          1000,
          "Partitions of each pipeline topic an agent creates when it is missing.");

  /** The port of an agent's /health, /ready and /metrics. */
  public static final Setting<Integer> METRICS_PORT =
      Setting.integer(
              "DESTILL_METRICS_PORT",
              8080,
              0,
              65535,
              "Port of an agent's /health, /ready and /metrics (0 picks a free one).")
          .withFlag("--metrics-port");

  /** The address an agent's endpoints listen on. */
  public static final Setting<String> METRICS_HOST =
      Setting.text(
              "DESTILL_METRICS_HOST", "Address an agent's /health, /ready and /metrics listen on.")
          .withType("address")
          .withDefault("0.0.0.0");

  /** How long an agent retries a transient failure before it exits 75. */
  public static final Setting<Integer> RETRY_SECONDS =
      Setting.integer(
          "DESTILL_RETRY_SECONDS",
          180,
          1,
          86_400,
          "Seconds an agent retries a transient failure (Kafka or PostgreSQL away, a provider's"
              + " 5xx) before it exits with code 75.");

  /** How long a consumer may go between polls before its group drops it. */
  public static final Setting<Integer> MAX_POLL_INTERVAL =
      Setting.integer(
          "DESTILL_KAFKA_MAX_POLL_INTERVAL_MS",
          120_000,
          1_000,
          3_600_000,
          "Milliseconds an agent's Kafka consumer may go between polls (max.poll.interval.ms).");

  /** The size budget of each answer of the MCP server. */
  public static final Setting<Integer> MCP_BUDGET =
      Setting.integer(
              "DESTILL_MCP_BUDGET",
              4000,
              500,
              1_000_000,
              "Size budget of each answer of 'destill mcp', in tokens.")
          .withFlag("--budget-tokens");

  /** The folders the MCP server's analyze_log and search_log may read. */
  public static final Setting<String> MCP_ROOTS =
      Setting.text(
              "DESTILL_MCP_ROOTS",
              "Folders 'destill mcp' may read local logs from (absolute, separated by ':'); default"
                  + " the client's roots, or else the server's working directory.")
          .withType("folders");

  /** Buildkite's API token. */
  public static final Setting<String> BUILDKITE_TOKEN =
      Setting.secret(
          "BUILDKITE_API_TOKEN",
          "Buildkite API token with the read_builds, read_build_logs and read_artifacts scopes.");

  /** Buildkite's API base URL. */
  public static final Setting<String> BUILDKITE_API =
      Setting.text("BUILDKITE_API_URL", "Buildkite's REST API.")
          .withType("URL")
          .withDefault("https://api.buildkite.com/v2");

  /** GitHub's token. */
  public static final Setting<String> GITHUB_TOKEN =
      Setting.secret("GITHUB_TOKEN", "GitHub token that can read the repository's Actions runs.");

  /** GitHub's API base URL. */
  public static final Setting<String> GITHUB_API =
      Setting.text(
              "GITHUB_API_URL",
              "GitHub's REST API (GitHub Enterprise: https://HOST/api/v3); the token goes only there.")
          .withType("URL")
          .withDefault("https://api.github.com");

  /** GitLab's token. */
  public static final Setting<String> GITLAB_TOKEN =
      Setting.secret("GITLAB_TOKEN", "GitLab token with the read_api scope.");

  /** GitLab's API base URL. */
  public static final Setting<String> GITLAB_API =
      Setting.text(
              "GITLAB_API_URL",
              "GitLab's REST API (self-hosted: https://HOST/api/v4); the token goes only there.")
          .withType("URL")
          .withDefault("https://gitlab.com/api/v4");

  /** The terminal type; the interactive UI needs one that is not dumb. */
  public static final Setting<String> TERM =
      Setting.text("TERM", "Terminal type; the interactive UI runs at a terminal that is not dumb.")
          .withDefault("dumb");

  /** Set (to anything) to draw the UI without colour. */
  public static final Setting<String> NO_COLOR =
      Setting.text("NO_COLOR", "When set, the interactive UI draws without colour.");

  /** The pager the UI opens a local log in. */
  public static final Setting<String> PAGER =
      Setting.text("PAGER", "Program the interactive UI opens a local log in.")
          .withType("command")
          .withDefault("less");

  /** The checkout GitHub Actions runs in; annotations name files relative to it. */
  public static final Setting<String> GITHUB_WORKSPACE =
      Setting.text(
              "GITHUB_WORKSPACE",
              "The checkout of a GitHub Actions job (set by the runner); --format github names "
                  + "files relative to it.")
          .withType("path");

  // --- destill serve (docs/server.md) --------------------------------------------------------

  /** The address the server listens on. */
  public static final Setting<String> SERVER_HOST =
      Setting.text("DESTILL_SERVER_HOST", "Address 'destill serve' listens on.")
          .withType("address")
          .withDefault("127.0.0.1")
          .withFlag("--host");

  /** The port the server listens on. */
  public static final Setting<Integer> SERVER_PORT =
      Setting.integer(
              "DESTILL_SERVER_PORT",
              8080,
              0,
              65535,
              "Port 'destill serve' listens on (0: any free).")
          .withFlag("--port");

  /** The bearer token of API writes. */
  public static final Setting<String> SERVER_TOKEN =
      Setting.secret(
          "DESTILL_SERVER_TOKEN",
          "Bearer token every API write of 'destill serve' needs; unset: the API takes no writes.");

  /** The bearer token of API reads, when reads need one. */
  public static final Setting<String> SERVER_READ_TOKEN =
      Setting.secret(
          "DESTILL_SERVER_READ_TOKEN",
          "When set, API reads of 'destill serve' need this token (or the write token).");

  /** Whether API reads need a token even without a read token. */
  public static final Setting<Boolean> SERVER_AUTH_READS =
      Setting.bool(
              "DESTILL_SERVER_AUTH_READS",
              false,
              "true: API reads need a token (the read or the write token).")
          .withFlag("--auth-reads");

  /** The GitHub webhook's secret. */
  public static final Setting<String> GITHUB_WEBHOOK_SECRET =
      Setting.secret(
          "DESTILL_GITHUB_WEBHOOK_SECRET",
          "Secret of the GitHub webhook (X-Hub-Signature-256); unset: /webhooks/github answers"
              + " 404.");

  /** The Buildkite webhook's token, as the key of its signature. */
  public static final Setting<String> BUILDKITE_WEBHOOK_SECRET =
      Setting.secret(
          "DESTILL_BUILDKITE_WEBHOOK_SECRET",
          "Token of the Buildkite webhook, the key of X-Buildkite-Signature.");

  /** The Buildkite webhook's token, sent as a header. */
  public static final Setting<String> BUILDKITE_WEBHOOK_TOKEN =
      Setting.secret(
          "DESTILL_BUILDKITE_WEBHOOK_TOKEN",
          "Token of the Buildkite webhook sent as X-Buildkite-Token; with neither Buildkite"
              + " setting, /webhooks/buildkite answers 404.");

  /** The GitLab webhook's secret token. */
  public static final Setting<String> GITLAB_WEBHOOK_TOKEN =
      Setting.secret(
          "DESTILL_GITLAB_WEBHOOK_TOKEN",
          "Secret token of the GitLab webhook (X-Gitlab-Token); unset: /webhooks/gitlab answers"
              + " 404.");

  /** How old a Buildkite signature may be. */
  public static final Setting<Integer> BUILDKITE_REPLAY_SECONDS =
      Setting.integer(
          "DESTILL_BUILDKITE_REPLAY_SECONDS",
          300,
          1,
          86_400,
          "How far an X-Buildkite-Signature timestamp may be from now, in seconds.");

  /** The largest JSON or webhook body. */
  public static final Setting<Integer> SERVER_MAX_BODY =
      Setting.integer(
          "DESTILL_SERVER_MAX_BODY_BYTES",
          5 << 20,
          1024,
          Integer.MAX_VALUE,
          "Largest JSON or webhook body the server takes (413 above).");

  /** The largest uploaded log. */
  public static final Setting<Integer> SERVER_MAX_LOG =
      Setting.integer(
          "DESTILL_SERVER_MAX_LOG_BYTES",
          256 << 20,
          1024,
          Integer.MAX_VALUE,
          "Largest log uploaded to the server, after gzip is undone (413 above).");

  /** The largest request head. */
  public static final Setting<Integer> SERVER_MAX_HEADER =
      Setting.integer(
          "DESTILL_SERVER_MAX_HEADER_BYTES",
          16 << 10,
          1024,
          1 << 20,
          "Largest request line and headers the server takes (431 above).");

  /** HTTP requests served at once. */
  public static final Setting<Integer> SERVER_MAX_IN_FLIGHT =
      Setting.integer(
          "DESTILL_SERVER_MAX_IN_FLIGHT",
          256,
          1,
          100_000,
          "HTTP requests the server serves at once; more get 429 with Retry-After.");

  /** Analyses run at once by one-process serve. */
  public static final Setting<Integer> SERVER_MAX_CONCURRENT =
      Setting.integer(
          "DESTILL_SERVER_MAX_CONCURRENT",
          2,
          1,
          1024,
          "Analyses one-process 'destill serve' runs at once.");

  /** Analyses accepted and not finished. */
  public static final Setting<Integer> SERVER_MAX_QUEUED =
      Setting.integer(
          "DESTILL_SERVER_MAX_QUEUED",
          256,
          1,
          1_000_000,
          "Analyses the server accepts and has not finished; more get 429 with Retry-After.");

  /** How long SIGTERM waits for requests in flight. */
  public static final Setting<Integer> SERVER_DRAIN_SECONDS =
      Setting.integer(
          "DESTILL_SERVER_DRAIN_SECONDS",
          20,
          0,
          3600,
          "On SIGTERM, how long the server lets requests in flight finish, in seconds.");

  /** A keystore that turns on HTTPS. */
  public static final Setting<String> SERVER_KEYSTORE =
      Setting.text(
              "DESTILL_SERVER_KEYSTORE",
              "PKCS12 or JKS keystore; when set the server speaks HTTPS only.")
          .withType("file");

  /** The keystore's password. */
  public static final Setting<String> SERVER_KEYSTORE_PASSWORD =
      Setting.secret("DESTILL_SERVER_KEYSTORE_PASSWORD", "Password of DESTILL_SERVER_KEYSTORE.");

  /** The settings of 'destill serve', in the order its --help lists them. */
  public static final List<Setting<?>> SERVER =
      List.of(
          SERVER_HOST,
          SERVER_PORT,
          SERVER_TOKEN,
          SERVER_READ_TOKEN,
          SERVER_AUTH_READS,
          GITHUB_WEBHOOK_SECRET,
          BUILDKITE_WEBHOOK_SECRET,
          BUILDKITE_WEBHOOK_TOKEN,
          GITLAB_WEBHOOK_TOKEN,
          BUILDKITE_REPLAY_SECONDS,
          SERVER_MAX_BODY,
          SERVER_MAX_LOG,
          SERVER_MAX_HEADER,
          SERVER_MAX_IN_FLIGHT,
          SERVER_MAX_CONCURRENT,
          SERVER_MAX_QUEUED,
          SERVER_DRAIN_SECONDS,
          SERVER_KEYSTORE,
          SERVER_KEYSTORE_PASSWORD);

  /** The OpenAI-compatible server explanations go to; nothing is sent unless it is set. */
  public static final Setting<String> LLM_URL =
      Setting.text(
              "DESTILL_LLM_URL",
              "OpenAI-compatible chat-completions base ending in /v1 (OpenAI, Azure OpenAI, Ollama,"
                  + " vLLM, llama.cpp, LM Studio); with DESTILL_LLM_MODEL, turns --explain on.")
          .withType("URL");

  /** The model explanations ask. */
  public static final Setting<String> LLM_MODEL =
      Setting.text("DESTILL_LLM_MODEL", "Model that explanations ask, as the server names it.")
          .withType("model name");

  /** The model server's key. */
  public static final Setting<String> LLM_API_KEY =
      Setting.secret(
          "DESTILL_LLM_API_KEY", "Key of the model server, sent only to DESTILL_LLM_URL.");

  /** A file holding the model server's key. */
  public static final Setting<String> LLM_API_KEY_FILE =
      Setting.text(
              "DESTILL_LLM_API_KEY_FILE",
              "File holding the key, read when DESTILL_LLM_API_KEY is not set.")
          .withType("file");

  /** How long one explanation request may take. */
  public static final Setting<Integer> LLM_TIMEOUT =
      Setting.integer(
          "DESTILL_LLM_TIMEOUT_SECONDS", 120, 1, 3600, "Seconds one explanation request may take.");

  /** Retries of an explanation request. */
  public static final Setting<Integer> LLM_RETRIES =
      Setting.integer(
          "DESTILL_LLM_MAX_RETRIES",
          3,
          0,
          10,
          "Retries of a request that got 408, 409, 429 (after Retry-After) or 5xx, or no answer.");

  /** The input token budget of an explanation. */
  public static final Setting<Integer> LLM_TOKEN_BUDGET =
      Setting.integer(
          "DESTILL_LLM_TOKEN_BUDGET",
          4000,
          600,
          1_000_000,
          "Most input tokens (estimated) one explanation request may hold.");

  /** Masks e-mail addresses in what explanations send. */
  public static final Setting<String> LLM_MASK_EMAILS =
      Setting.text("DESTILL_LLM_MASK_EMAILS", "true: replace e-mail addresses before sending.")
          .withType("true or false")
          .withDefault("false");

  /** Masks internal host names in what explanations send. */
  public static final Setting<String> LLM_MASK_HOSTNAMES =
      Setting.text(
              "DESTILL_LLM_MASK_HOSTNAMES",
              "true: replace internal host names (*.internal, *.corp, *.local …) before sending.")
          .withType("true or false")
          .withDefault("false");

  /** How long the hot statistics keep their counts. */
  public static final Setting<Integer> STATS_RETENTION_DAYS =
      Setting.integer(
          "DESTILL_STATS_RETENTION_DAYS",
          7,
          1,
          3650,
          "Days the hot statistics (destill stats) keep their per-minute counts.");

  /** Every setting, in the order {@code destill config} shows them. */
  public static final List<Setting<?>> ALL =
      List.of(
          HOME,
          POSTGRES,
          KAFKA,
          PARTITIONS,
          METRICS_PORT,
          METRICS_HOST,
          RETRY_SECONDS,
          MAX_POLL_INTERVAL,
          MCP_BUDGET,
          MCP_ROOTS,
          STATS_RETENTION_DAYS,
          BUILDKITE_TOKEN,
          BUILDKITE_API,
          GITHUB_TOKEN,
          GITHUB_API,
          GITLAB_TOKEN,
          GITLAB_API,
          TERM,
          NO_COLOR,
          PAGER,
          GITHUB_WORKSPACE,
          SERVER_HOST,
          SERVER_PORT,
          SERVER_TOKEN,
          SERVER_READ_TOKEN,
          SERVER_AUTH_READS,
          GITHUB_WEBHOOK_SECRET,
          BUILDKITE_WEBHOOK_SECRET,
          BUILDKITE_WEBHOOK_TOKEN,
          GITLAB_WEBHOOK_TOKEN,
          BUILDKITE_REPLAY_SECONDS,
          SERVER_MAX_BODY,
          SERVER_MAX_LOG,
          SERVER_MAX_HEADER,
          SERVER_MAX_IN_FLIGHT,
          SERVER_MAX_CONCURRENT,
          SERVER_MAX_QUEUED,
          SERVER_DRAIN_SECONDS,
          SERVER_KEYSTORE,
          SERVER_KEYSTORE_PASSWORD,
          LLM_URL,
          LLM_MODEL,
          LLM_API_KEY,
          LLM_API_KEY_FILE,
          LLM_TIMEOUT,
          LLM_RETRIES,
          LLM_TOKEN_BUDGET,
          LLM_MASK_EMAILS,
          LLM_MASK_HOSTNAMES);

  /** The explanation settings, handed to the LLM client by variable name. */
  private static final List<Setting<?>> LLM =
      List.of(
          LLM_URL,
          LLM_MODEL,
          LLM_API_KEY,
          LLM_API_KEY_FILE,
          LLM_TIMEOUT,
          LLM_RETRIES,
          LLM_TOKEN_BUDGET,
          LLM_MASK_EMAILS,
          LLM_MASK_HOSTNAMES);

  /** The providers' settings, handed to them by variable name. */
  private static final List<Setting<String>> PROVIDER =
      List.of(BUILDKITE_TOKEN, BUILDKITE_API, GITHUB_TOKEN, GITHUB_API, GITLAB_TOKEN, GITLAB_API);

  /** A setting's value as text, where it came from, and whether it is set at all. */
  public record Raw(Optional<String> text, Source source) {}

  private final Map<String, String> env;
  private final Map<String, String> flags;

  private Settings(Map<String, String> env, Map<String, String> flags) {
    this.env = Map.copyOf(env);
    this.flags = Map.copyOf(flags);
  }

  /** The settings the environment gives (the process's, or a test's). */
  public static Settings of(Map<String, String> env) {
    Map<String, String> copy = new HashMap<>();
    env.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            copy.put(k, v);
          }
        });
    return new Settings(copy, Map.of());
  }

  /**
   * These settings with {@code setting} given on the command line; {@code value} null means the
   * option was not given.
   */
  public Settings withFlag(Setting<?> setting, Object value) {
    if (value == null) {
      return this;
    }
    if (setting.flag().isEmpty()) {
      throw new IllegalArgumentException(setting.variable() + " has no flag");
    }
    Map<String, String> f = new HashMap<>(flags);
    f.put(setting.variable(), String.valueOf(value));
    return new Settings(env, f);
  }

  /** The text of a setting and where it came from, before it is parsed. */
  public Raw raw(Setting<?> setting) {
    String flag = flags.get(setting.variable());
    if (flag != null && !flag.isBlank()) {
      return new Raw(Optional.of(flag.trim()), new Source.Flag(setting.flag().orElseThrow()));
    }
    for (String name : setting.names()) {
      String v = env.getOrDefault(name, "").trim();
      if (!v.isEmpty()) {
        return new Raw(Optional.of(v), new Source.Environment(name));
      }
    }
    if (setting == HOME) {
      return new Raw(Optional.of(dataDir().toString()), dataDirSource());
    }
    return setting.fallback().isPresent()
        ? new Raw(setting.fallback(), new Source.Default(""))
        : new Raw(Optional.empty(), new Source.Unset());
  }

  /**
   * The value of a setting, or empty when it is not set and has no default.
   *
   * @throws DestillException.BadInput when the value is not valid, naming the setting and where the
   *     value came from
   */
  public <T> Optional<T> find(Setting<T> setting) {
    Raw raw = raw(setting);
    if (raw.text().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(setting.parser().apply(raw.text().get()));
    } catch (IllegalArgumentException e) {
      throw new DestillException.BadInput(
          setting.variable()
              + " "
              + e.getMessage()
              + ", was '"
              + (setting.secret() ? "***" : raw.text().get())
              + "' (from "
              + raw.source().describe()
              + ")");
    }
  }

  /**
   * The value of a setting that has a default.
   *
   * @throws IllegalStateException for a setting without a default: use {@link #find} or {@link
   *     #require}
   */
  public <T> T get(Setting<T> setting) {
    return find(setting)
        .orElseThrow(() -> new IllegalStateException(setting.variable() + " has no default"));
  }

  /**
   * The value of a setting this command needs.
   *
   * @param example what to set it to, for the message ("to the Kafka bootstrap servers, for example
   *     127.0.0.1:9092")
   */
  public <T> T require(Setting<T> setting, String example) {
    return find(setting)
        .orElseThrow(
            () ->
                new DestillException.BadInput(
                    "set "
                        + setting.variable()
                        + (setting.aliases().isEmpty()
                            ? ""
                            : " (or " + String.join(" or ", setting.aliases()) + ")")
                        + " "
                        + example));
  }

  /** Kafka's bootstrap servers, which distributed mode needs. */
  public String kafkaBrokers() {
    return require(
        KAFKA,
        "to the Kafka bootstrap servers, for example 127.0.0.1:9092"
            + " (scripts/dev-cluster.sh start runs one)");
  }

  /** PostgreSQL's URL, which distributed mode's sink and readers need. */
  public String postgresUrl() {
    return require(
        POSTGRES,
        "to the PostgreSQL database, for example"
            + " jdbc:postgresql://127.0.0.1:5432/destill?user=destill");
  }

  /**
   * The folder of the local history: DESTILL_HOME, else $XDG_DATA_HOME/destill, else
   * ~/.local/share/destill.
   */
  public Path dataDir() {
    String home = env.getOrDefault(HOME.variable(), "").trim();
    if (!home.isEmpty()) {
      return Path.of(home);
    }
    String xdg = env.getOrDefault("XDG_DATA_HOME", "").trim();
    if (!xdg.isEmpty()) {
      return Path.of(xdg, "destill");
    }
    String user = env.getOrDefault("HOME", "").trim();
    return Path.of(
        user.isEmpty() ? System.getProperty("user.home") : user, ".local", "share", "destill");
  }

  /** The user config folder: $XDG_CONFIG_HOME/destill, else ~/.config/destill. */
  public Path configDir() {
    String xdg = env.getOrDefault("XDG_CONFIG_HOME", "").trim();
    if (!xdg.isEmpty()) {
      return Path.of(xdg, "destill");
    }
    String user = env.getOrDefault("HOME", "").trim();
    return Path.of(user.isEmpty() ? System.getProperty("user.home") : user, ".config", "destill");
  }

  private Source dataDirSource() {
    if (!env.getOrDefault("XDG_DATA_HOME", "").isBlank()) {
      return new Source.Default("from XDG_DATA_HOME");
    }
    return new Source.Default("from HOME");
  }

  /** The providers' tokens and API URLs that are set, by variable name. */
  public Map<String, String> providerEnv() {
    Map<String, String> out = new HashMap<>();
    for (Setting<String> s : PROVIDER) {
      for (String name : s.names()) {
        String v = env.get(name);
        if (v != null && !v.isBlank()) {
          out.put(name, v);
        }
      }
    }
    return Map.copyOf(out);
  }

  /** The explanation settings that are set, by variable name (validated where they are used). */
  public Map<String, String> llmEnv() {
    Map<String, String> out = new HashMap<>();
    for (Setting<?> s : LLM) {
      String v = env.get(s.variable());
      if (v != null && !v.isBlank()) {
        out.put(s.variable(), v);
      }
    }
    return Map.copyOf(out);
  }

  /** Whether a setting is set (by a flag or the environment, not by default). */
  public boolean isSet(Setting<?> setting) {
    Source s = raw(setting).source();
    return s instanceof Source.Environment || s instanceof Source.Flag;
  }

  /**
   * How a setting's value may be shown: secrets as whether they are set, a database URL without its
   * password.
   */
  public String shown(Setting<?> setting) {
    Raw raw = raw(setting);
    if (raw.text().isEmpty()) {
      return "";
    }
    String v = raw.text().get();
    if (setting == POSTGRES) {
      return Masking.url(v);
    }
    return setting.secret() ? Masking.secret(v) : v;
  }

  @Override
  public String toString() {
    return "Settings[" + Objects.hash(env.keySet(), flags.keySet()) + "]";
  }
}
