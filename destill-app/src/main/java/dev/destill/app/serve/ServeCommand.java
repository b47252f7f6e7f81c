package dev.destill.app.serve;

import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Setting;
import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.server.ServerSettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
          + " agents and results are read from PostgreSQL, so replicas are stateless."
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
    Serve serve = Serve.start(withFlags, settings, List.of());
    java.util.Optional<WatchedFiles> watched;
    try {
      watched =
          watch.isEmpty()
              ? java.util.Optional.empty()
              : java.util.Optional.of(WatchedFiles.start(withFlags, watch));
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
            + "; API writes "
            + (settings.writeToken().isPresent() ? "need DESTILL_SERVER_TOKEN" : "disabled")
            + (watch.isEmpty() ? "" : "; watching " + String.join(", ", watch))
            + "; stop it with SIGTERM");
    err.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
