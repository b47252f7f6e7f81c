package dev.destill.app.stats;

import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.output.Format;
import dev.destill.app.wiring.Services;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsReport;
import dev.destill.core.stats.StatsStore;
import dev.destill.store.duckdb.DuckDbStatsStore;
import dev.destill.wire.StatsJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code destill stats}: the hot statistics of the lines Destill has read. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Shows the hot statistics of every line Destill counted (destill watch, serve's live sources"
          + " and --watch, and the jobs of CI analyses): lines and errors per source over time,"
          + " the top templates in the window, error-rate spikes of the last hour against the hour"
          + " before, and the templates new today (UTC).",
      "Reads the statistics files in DESTILL_HOME/stats (taking over those of processes that"
          + " ended), or PostgreSQL when DESTILL_POSTGRES_URL is set. A file a running process"
          + " holds (destill serve, destill watch) is not read: ask that server (GET /api/v1/stats)."
          + " Counts are kept DESTILL_STATS_RETENTION_DAYS days (default 7).",
      "--format prints text or json (the document of GET /api/v1/stats, docs/live-logs.md)."
    })
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public StatsCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Mixin FormatOption formatOption;

  @Option(
      names = "--source",
      paramLabel = "NAME",
      description =
          "Only this source: an OpenTelemetry service.name, a syslog host, 'file' for destill"
              + " watch, or a CI project such as github:OWNER/REPO.")
  String source;

  @Option(
      names = "--hours",
      paramLabel = "N",
      description = "The window: the last N hours, 1 to 744 (default: ${DEFAULT-VALUE}).")
  int hours = 24;

  @Option(
      names = "--step",
      paramLabel = "MINUTES",
      description = "Minutes per bucket of the volume over time (default: ${DEFAULT-VALUE}).")
  int step = 60;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "How many templates and new templates to list (default: ${DEFAULT-VALUE}).")
  int top = 10;

  @Override
  public Integer call() {
    if (hours < 1 || hours > dev.destill.server.StatsRoutes.MAX_HOURS) {
      throw new ParameterException(
          spec.commandLine(), "--hours takes 1 to " + dev.destill.server.StatsRoutes.MAX_HOURS);
    }
    if (step < 1 || step > 24 * 60) {
      throw new ParameterException(spec.commandLine(), "--step takes 1 to 1440 minutes");
    }
    if ((long) hours * 60 / step > dev.destill.server.StatsRoutes.MAX_BUCKETS) {
      throw new ParameterException(
          spec.commandLine(),
          "--hours "
              + hours
              + " in steps of "
              + step
              + " minutes is more than "
              + dev.destill.server.StatsRoutes.MAX_BUCKETS
              + " buckets: take a larger --step");
    }
    if (top < 1 || top > StatsQuery.MAX_LIMIT) {
      throw new ParameterException(spec.commandLine(), "--top takes 1 to " + StatsQuery.MAX_LIMIT);
    }
    Format format = formatOption.require(Format.TEXT, Format.JSON);
    StatsQuery q =
        StatsQuery.last(
            services.clock().instant(), Duration.ofHours(hours), Duration.ofMinutes(step), top);
    if (source != null && !source.isBlank()) {
      q = q.forSource(source.strip());
    }
    StatsReport report;
    List<Path> held = List.of();
    try (StatsStore store = services.openStats("stats")) {
      if (store instanceof DuckDbStatsStore duck) {
        held = duck.held();
      }
      report = StatsReport.of(store, q, services.clock().instant());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!held.isEmpty()) {
      err.println(
          "destill: "
              + held.size()
              + " statistics file(s) held by running destill processes are not included ("
              + String.join(", ", held.stream().map(p -> p.getFileName().toString()).toList())
              + "); ask their server: GET /api/v1/stats");
      err.flush();
    }
    if (format == Format.JSON) {
      out.println(StatsJson.write(report));
    } else {
      StatsText.write(report, out);
    }
    out.flush();
    return 0;
  }
}
