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
      Setting.text("GITHUB_API_URL", "GitHub's REST API (GitHub Enterprise: its /api/v3).")
          .withType("URL")
          .withDefault("https://api.github.com");

  /** GitLab's token. */
  public static final Setting<String> GITLAB_TOKEN =
      Setting.secret("GITLAB_TOKEN", "GitLab token with the read_api scope.");

  /** GitLab's API base URL. */
  public static final Setting<String> GITLAB_API =
      Setting.text(
              "GITLAB_API_URL",
              "GitLab's REST API; default https://HOST/api/v4 of the pipeline URL's host.")
          .withType("URL");

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
          BUILDKITE_TOKEN,
          BUILDKITE_API,
          GITHUB_TOKEN,
          GITHUB_API,
          GITLAB_TOKEN,
          GITLAB_API,
          TERM,
          NO_COLOR,
          PAGER);

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
