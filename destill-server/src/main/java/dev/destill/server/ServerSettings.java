package dev.destill.server;

import dev.destill.core.DestillException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of {@code destill serve}, each declared once in {@link #ALL} (the variable, its
 * default, what it does) and read from the environment here; {@code --host} and {@code --port}
 * override two of them. Errors name the variable and its value, never a secret's value.
 *
 * @param host the address to bind
 * @param port the port, 0 for any free one
 * @param writeToken the bearer token of writes; empty: the API takes no writes
 * @param readToken the bearer token of reads, when reads need one
 * @param authReads whether reads need a token (the read or the write token)
 * @param githubSecret the GitHub webhook secret; empty: the route answers 404
 * @param buildkiteSecret the Buildkite webhook signing secret
 * @param buildkiteToken the Buildkite webhook token
 * @param gitlabToken the GitLab webhook token
 * @param replayWindow how old a Buildkite signature may be
 * @param maxBodyBytes largest JSON or webhook body
 * @param maxLogBytes largest uploaded log, after decompression
 * @param maxHeaderBytes largest request head
 * @param maxInFlight HTTP requests served at once; more get 429
 * @param maxConcurrentAnalyses analyses run at once (one-process mode)
 * @param maxQueuedAnalyses analyses accepted but not finished; more get 429
 * @param drain how long SIGTERM waits for requests in flight
 * @param keystore a PKCS12 or JKS keystore: when set the server speaks HTTPS only
 * @param keystorePassword its password
 */
public record ServerSettings(
    String host,
    int port,
    Optional<String> writeToken,
    Optional<String> readToken,
    boolean authReads,
    Optional<String> githubSecret,
    Optional<String> buildkiteSecret,
    Optional<String> buildkiteToken,
    Optional<String> gitlabToken,
    Duration replayWindow,
    long maxBodyBytes,
    long maxLogBytes,
    int maxHeaderBytes,
    int maxInFlight,
    int maxConcurrentAnalyses,
    int maxQueuedAnalyses,
    Duration drain,
    Optional<Path> keystore,
    Optional<String> keystorePassword) {

  /** One setting: its variable, its default as shown, and what it does. */
  public record Setting(String env, String fallback, String doc, boolean secret) {}

  public static final Setting HOST =
      new Setting("DESTILL_SERVER_HOST", "127.0.0.1", "Address to listen on (--host).", false);
  public static final Setting PORT =
      new Setting(
          "DESTILL_SERVER_PORT", "8080", "Port to listen on; 0 picks a free one (--port).", false);
  public static final Setting TOKEN =
      new Setting(
          "DESTILL_SERVER_TOKEN",
          "unset",
          "Bearer token required by every API write (POST /api/v1/...); unset: the API takes"
              + " no writes.",
          true);
  public static final Setting READ_TOKEN =
      new Setting(
          "DESTILL_SERVER_READ_TOKEN",
          "unset",
          "When set, API reads need this token (or the write token).",
          true);
  public static final Setting AUTH_READS =
      new Setting(
          "DESTILL_SERVER_AUTH_READS",
          "false",
          "true: API reads need a token even without a read token (--auth-reads).",
          false);
  public static final Setting GITHUB_SECRET =
      new Setting(
          "DESTILL_GITHUB_WEBHOOK_SECRET",
          "unset",
          "Secret of the GitHub webhook (X-Hub-Signature-256); unset: /webhooks/github answers"
              + " 404.",
          true);
  public static final Setting BUILDKITE_SECRET =
      new Setting(
          "DESTILL_BUILDKITE_WEBHOOK_SECRET",
          "unset",
          "Token of the Buildkite webhook, used as the key of X-Buildkite-Signature.",
          true);
  public static final Setting BUILDKITE_TOKEN =
      new Setting(
          "DESTILL_BUILDKITE_WEBHOOK_TOKEN",
          "unset",
          "Token of the Buildkite webhook sent as X-Buildkite-Token (with neither set,"
              + " /webhooks/buildkite answers 404).",
          true);
  public static final Setting GITLAB_TOKEN =
      new Setting(
          "DESTILL_GITLAB_WEBHOOK_TOKEN",
          "unset",
          "Secret token of the GitLab webhook (X-Gitlab-Token); unset: /webhooks/gitlab answers"
              + " 404.",
          true);
  public static final Setting REPLAY_WINDOW =
      new Setting(
          "DESTILL_BUILDKITE_REPLAY_SECONDS",
          "300",
          "How far an X-Buildkite-Signature timestamp may be from now.",
          false);
  public static final Setting MAX_BODY =
      new Setting(
          "DESTILL_SERVER_MAX_BODY_BYTES",
          "5242880",
          "Largest JSON or webhook body (413 above).",
          false);
  public static final Setting MAX_LOG =
      new Setting(
          "DESTILL_SERVER_MAX_LOG_BYTES",
          "268435456",
          "Largest uploaded log, after gzip is undone (413 above).",
          false);
  public static final Setting MAX_HEADER =
      new Setting(
          "DESTILL_SERVER_MAX_HEADER_BYTES",
          "16384",
          "Largest request line and headers (431 above).",
          false);
  public static final Setting MAX_IN_FLIGHT =
      new Setting(
          "DESTILL_SERVER_MAX_IN_FLIGHT",
          "256",
          "HTTP requests served at once; more get 429 with Retry-After.",
          false);
  public static final Setting MAX_CONCURRENT =
      new Setting(
          "DESTILL_SERVER_MAX_CONCURRENT", "2", "Analyses run at once in one-process mode.", false);
  public static final Setting MAX_QUEUED =
      new Setting(
          "DESTILL_SERVER_MAX_QUEUED",
          "256",
          "Analyses accepted and not finished; more get 429 with Retry-After.",
          false);
  public static final Setting DRAIN =
      new Setting(
          "DESTILL_SERVER_DRAIN_SECONDS",
          "20",
          "On SIGTERM, how long requests in flight may take to finish.",
          false);
  public static final Setting KEYSTORE =
      new Setting(
          "DESTILL_SERVER_KEYSTORE",
          "unset (plain HTTP)",
          "PKCS12 or JKS keystore; when set the server speaks HTTPS only.",
          false);
  public static final Setting KEYSTORE_PASSWORD =
      new Setting("DESTILL_SERVER_KEYSTORE_PASSWORD", "unset", "Password of the keystore.", true);

  /** Every setting, in the order --help lists them. */
  public static final List<Setting> ALL =
      List.of(
          HOST,
          PORT,
          TOKEN,
          READ_TOKEN,
          AUTH_READS,
          GITHUB_SECRET,
          BUILDKITE_SECRET,
          BUILDKITE_TOKEN,
          GITLAB_TOKEN,
          REPLAY_WINDOW,
          MAX_BODY,
          MAX_LOG,
          MAX_HEADER,
          MAX_IN_FLIGHT,
          MAX_CONCURRENT,
          MAX_QUEUED,
          DRAIN,
          KEYSTORE,
          KEYSTORE_PASSWORD);

  /**
   * Reads the settings from {@code env}; a given {@code host}, {@code port} or {@code authReads}
   * (the command line) wins over the variable.
   *
   * @throws DestillException.BadInput naming the variable when a value is not usable
   */
  public static ServerSettings from(
      Map<String, String> env, Optional<String> host, Optional<Integer> port, boolean authReads) {
    Reader r = new Reader(env);
    int p = port.orElseGet(() -> (int) r.number(PORT, 0, 65535));
    if (port.isPresent() && (p < 0 || p > 65535)) {
      throw new DestillException.BadInput("--port must be from 0 to 65535, was " + p);
    }
    Optional<Path> keystore = r.text(KEYSTORE).map(Path::of);
    Optional<String> keystorePassword = r.text(KEYSTORE_PASSWORD);
    if (keystore.isPresent() && keystorePassword.isEmpty()) {
      throw new DestillException.BadInput(
          "set " + KEYSTORE_PASSWORD.env() + " to the password of " + KEYSTORE.env());
    }
    return new ServerSettings(
        host.orElseGet(() -> r.text(HOST).orElse(HOST.fallback())),
        p,
        r.text(TOKEN),
        r.text(READ_TOKEN),
        authReads || r.flag(AUTH_READS),
        r.text(GITHUB_SECRET),
        r.text(BUILDKITE_SECRET),
        r.text(BUILDKITE_TOKEN),
        r.text(GITLAB_TOKEN),
        Duration.ofSeconds(r.number(REPLAY_WINDOW, 1, 86_400)),
        r.number(MAX_BODY, 1024, 1L << 30),
        r.number(MAX_LOG, 1024, 1L << 40),
        (int) r.number(MAX_HEADER, 1024, 1 << 20),
        (int) r.number(MAX_IN_FLIGHT, 1, 100_000),
        (int) r.number(MAX_CONCURRENT, 1, 1024),
        (int) r.number(MAX_QUEUED, 1, 1_000_000),
        Duration.ofSeconds(r.number(DRAIN, 0, 3600)),
        keystore,
        keystorePassword);
  }

  /** The settings without a secret's value: secrets show as set or unset. */
  @Override
  public String toString() {
    return "ServerSettings[host="
        + host
        + ", port="
        + port
        + ", token "
        + (writeToken.isPresent() ? "set" : "unset")
        + ", read token "
        + (readToken.isPresent() ? "set" : "unset")
        + ", authReads="
        + authReads
        + ", webhooks "
        + (githubSecret.isPresent() ? "github " : "")
        + (buildkiteSecret.isPresent() || buildkiteToken.isPresent() ? "buildkite " : "")
        + (gitlabToken.isPresent() ? "gitlab" : "")
        + "]";
  }

  /** Reads must carry a token. */
  public boolean readsNeedToken() {
    return authReads || readToken.isPresent();
  }

  private record Reader(Map<String, String> env) {
    Optional<String> text(Setting s) {
      String v = env.getOrDefault(s.env(), "").trim();
      return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    boolean flag(Setting s) {
      Optional<String> v = text(s);
      if (v.isEmpty()) {
        return false;
      }
      return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default ->
            throw new DestillException.BadInput(
                s.env() + " must be true or false, was '" + v.get() + "'");
      };
    }

    long number(Setting s, long min, long max) {
      Optional<String> v = text(s);
      String raw = v.orElse(s.fallback());
      try {
        long n = Long.parseLong(raw);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new DestillException.BadInput(
          s.env() + " must be a number from " + min + " to " + max + ", was '" + raw + "'");
    }
  }
}
