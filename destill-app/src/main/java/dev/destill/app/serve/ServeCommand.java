package dev.destill.app.serve;

import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Setting;
import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.live.sources.LiveSources;
import dev.destill.server.ServerSettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code destill serve}: webhooks and the HTTP API, analyzing every failed build as it happens. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Serves webhooks (POST /webhooks/github|buildkite|gitlab) that analyze each failed build as"
          + " it happens, and the HTTP API under /api/v1 (OpenAPI at /api/v1/openapi.json),"
          + " /health, /ready and /metrics, until SIGTERM.",
      "One process by default: analyses run here and are saved to the local history. With"
          + " DESTILL_KAFKA_BROKERS and DESTILL_POSTGRES_URL set, requests go to the distributed"
          + " agents and results are read from PostgreSQL, so replicas are stateless.",
      "Live logs (docs/live-logs.md): OTLP/gRPC on --otlp-grpc-port, OTLP/HTTP POST /v1/logs and"
          + " the log webhook POST /api/v1/logs on the HTTP port (both take DESTILL_SERVER_TOKEN"
          + " as bearer; /v1/logs is open when it is unset, /api/v1/logs then refused like every"
          + " API write), syslog on the --syslog-* ports. Windows of each stream are analyzed and"
          + " stored as analyses; every line is counted in the statistics (GET /api/v1/stats,"
          + " destill stats)."
    })
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public ServeCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Address to listen on (overrides DESTILL_SERVER_HOST; default 127.0.0.1).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port to listen on (overrides DESTILL_SERVER_PORT; default 8080).")
  Integer port;

  @Option(
      names = "--auth-reads",
      description = "API reads need a bearer token too (as DESTILL_SERVER_AUTH_READS=true).")
  boolean authReads;

  @Option(
      names = "--otlp-grpc-port",
      paramLabel = "N|off",
      description =
          "Port of the OTLP/gRPC log receiver, 0 for any free one, off (or -1) for none"
              + " (default: ${DEFAULT-VALUE}).")
  String otlpGrpcPort = "4317";

  @Option(
      names = "--syslog-udp-port",
      paramLabel = "N",
      description =
          "Port of syslog over UDP (RFC 5424 and 3164; 514 by convention); off unless given.")
  String syslogUdpPort = "off";

  @Option(
      names = "--syslog-tcp-port",
      paramLabel = "N",
      description =
          "Port of syslog over TCP (octet-counted or newline framing; 514 or 601); off unless"
              + " given.")
  String syslogTcpPort = "off";

  @Option(
      names = "--syslog-tls-port",
      paramLabel = "N",
      description =
          "Port of syslog over TLS (6514 by convention) with the certificate of"
              + " DESTILL_SERVER_KEYSTORE; off unless given.")
  String syslogTlsPort = "off";

  /** A port flag's value: -1 for off, else 0 to 65535. */
  static int port(String flag, String value) {
    String v = value.strip();
    if (v.equalsIgnoreCase("off") || v.equals("-1")) {
      return -1;
    }
    if (v.length() <= 5 && v.chars().allMatch(c -> c >= '0' && c <= '9') && !v.isEmpty()) {
      int p = Integer.parseInt(v);
      if (p <= 65535) {
        return p;
      }
    }
    String shown = v.length() > 20 ? v.substring(0, 20) + "..." : v;
    throw new dev.destill.core.DestillException.BadInput(
        flag
            + " takes a port from 0 to 65535 or off, not '"
            + shown.replaceAll("\\p{Cntrl}", "?")
            + "'");
  }

  /** The live sources these flags and {@code settings} ask for. */
  LiveSources.Config liveConfig(ServerSettings settings) {
    LiveSources.Config c =
        LiveSources.Config.httpOnly(settings.host(), settings.writeToken())
            .withPorts(
                port("--otlp-grpc-port", otlpGrpcPort),
                port("--syslog-udp-port", syslogUdpPort),
                port("--syslog-tcp-port", syslogTcpPort),
                port("--syslog-tls-port", syslogTlsPort));
    if (settings.keystore().isPresent()) {
      c = c.withKeystore(settings.keystore().get(), settings.keystorePassword().orElse(""));
    }
    return c;
  }

  @Option(
      names = "--watch",
      paramLabel = "GLOB",
      description =
          "Follow the files GLOB names ('/var/log/app/*.log', quoted; repeatable) as destill watch"
              + " does; each error's window is analyzed and saved as a live:file/PATH analysis.")
  List<String> watch = new ArrayList<>();

  /** The footer of --help: every setting, from its one declaration, within 80 columns. */
  public static String[] footer() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Settings (environment variables; secrets are never printed or logged):");
    for (Setting<?> s : Settings.SERVER) {
      lines.add(
          "  "
              + s.variable()
              + (s.secret() ? "  (secret)" : "")
              + "  default: "
              + s.fallback().orElse("unset"));
      wrap(s.doc(), lines);
    }
    lines.add("  " + Settings.KAFKA.variable() + ", " + Settings.POSTGRES.variable());
    wrap(
        "Both set: distributed mode (requests to Kafka, results and shared webhook dedup in"
            + " PostgreSQL). PostgreSQL alone: the history of one-process mode.",
        lines);
    lines.add("  DESTILL_HOME");
    wrap("Folder of the local SQLite history (one-process mode).", lines);
    lines.add("  BUILDKITE_API_TOKEN, GITHUB_TOKEN, GITLAB_TOKEN (and *_API_URL)");
    wrap("Read the builds that webhooks and API requests name (docs/providers.md).", lines);
    lines.add("  " + Settings.LLM_URL.variable() + ", " + Settings.LLM_MODEL.variable());
    wrap(
        "Both set: one-process mode explains every complete analysis in this process (the"
            + " explain agent), and the analysis gains an explanation; the other DESTILL_LLM_*"
            + " settings apply (docs/explain.md). Unset: nothing leaves the machine.",
        lines);
    lines.add("");
    lines.add("docs/server.md shows how to point GitHub, Buildkite and GitLab webhooks here.");
    return lines.toArray(String[]::new);
  }

  private static void wrap(String text, List<String> lines) {
    StringBuilder line = new StringBuilder("      ");
    for (String word : text.split(" ")) {
      if (line.length() + word.length() > 78 && line.length() > 6) {
        lines.add(line.toString().stripTrailing());
        line = new StringBuilder("      ");
      }
      line.append(word).append(' ');
    }
    lines.add(line.toString().stripTrailing());
  }

  @Override
  public Integer call() throws InterruptedException {
    Services withFlags =
        services.with(
            services
                .settings()
                .withFlag(Settings.SERVER_HOST, host)
                .withFlag(Settings.SERVER_PORT, port)
                .withFlag(Settings.SERVER_AUTH_READS, authReads ? Boolean.TRUE : null));
    ServerSettings settings = withFlags.serverSettings();
    Serve serve = Serve.start(withFlags, settings, List.of(), Optional.of(liveConfig(settings)));
    java.util.Optional<WatchedFiles> watched;
    try {
      watched =
          watch.isEmpty()
              ? java.util.Optional.empty()
              : java.util.Optional.of(
                  serve
                      .live()
                      .map(l -> WatchedFiles.start(withFlags, watch, l.ingest()))
                      .orElseGet(() -> WatchedFiles.start(withFlags, watch)));
    } catch (RuntimeException e) {
      serve.stop(java.time.Duration.ZERO);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  watched.ifPresent(w -> w.stop(settings.drain()));
                  serve.stop(settings.drain());
                  stopped.countDown();
                },
                "destill-serve-shutdown"));
    PrintWriter err = spec.commandLine().getErr();
    List<String> hooks = new ArrayList<>();
    settings.githubSecret().ifPresent(s -> hooks.add("github"));
    if (settings.buildkiteSecret().isPresent() || settings.buildkiteToken().isPresent()) {
      hooks.add("buildkite");
    }
    settings.gitlabToken().ifPresent(s -> hooks.add("gitlab"));
    err.println(
        "destill: serving on "
            + serve.url()
            + (serve.distributed() ? " (distributed mode)" : " (analyses in this process)")
            + "; webhooks: "
            + (hooks.isEmpty() ? "none configured" : String.join(", ", hooks))
            + "; live logs: "
            + liveSummary(serve)
            + "; API writes "
            + (settings.writeToken().isPresent() ? "need DESTILL_SERVER_TOKEN" : "disabled")
            + (watch.isEmpty() ? "" : "; watching " + String.join(", ", watch))
            + "; stop it with SIGTERM");
    err.flush();
    stopped.await();
    return ExitCodes.OK;
  }

  /** What the live sources listen on, for the start-up line. */
  static String liveSummary(Serve serve) {
    List<String> parts = new ArrayList<>();
    parts.add("POST /v1/logs, /api/v1/logs");
    serve.live().flatMap(LiveSources::otlpGrpcPort).ifPresent(p -> parts.add("OTLP/gRPC :" + p));
    serve
        .live()
        .flatMap(LiveSources::syslog)
        .ifPresent(
            s -> {
              if (s.udpPort() >= 0) {
                parts.add("syslog UDP :" + s.udpPort());
              }
              if (s.tcpPort() >= 0) {
                parts.add("syslog TCP :" + s.tcpPort());
              }
              if (s.tlsPort() >= 0) {
                parts.add("syslog TLS :" + s.tlsPort());
              }
            });
    return String.join(", ", parts);
  }
}
