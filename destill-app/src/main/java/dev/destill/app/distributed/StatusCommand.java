package dev.destill.app.distributed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.destill.app.analysis.BaselineSummary;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Settings;
import dev.destill.app.output.Format;
import dev.destill.app.output.JsonReport;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill status}: where a submitted request is. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Shows where a request is: pending, ingesting, analyzing, complete or failed, with the log"
          + " chunks analyzed so far and the findings stored.",
      "Reads PostgreSQL (DESTILL_POSTGRES_URL or POSTGRES_DSN), where the sink agents store what"
          + " 'destill submit' queued. --format prints text, json or jsonl (one JSON object;"
          + " --json is a deprecated alias of --format json)."
    })
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public StatusCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Parameters(paramLabel = "REQUEST_ID", description = "The id 'destill submit' printed.")
  String requestId;

  @Mixin FormatOption formatOption;

  @Option(names = "--json", hidden = true, description = "Deprecated: --format json.")
  boolean json;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      description =
          "Wait up to SECONDS for the request to finish; exit 3 when it failed or the time ran"
              + " out, 5 when it finished incomplete (a log cut short, a chunk not analyzed: see"
              + " its warnings).")
  Integer waitSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (json) {
      formatOption.set(Format.JSON);
    }
    Format format = formatOption.require(Format.TEXT, Format.JSON, Format.JSONL);
    if (waitSeconds != null && waitSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--wait takes seconds, 0 or more");
    }
    if (services.settings().find(Settings.POSTGRES).isEmpty()) {
      throw new DestillException.BadInput(
          "PostgreSQL is not configured: set "
              + Settings.POSTGRES.variable()
              + " (or POSTGRES_DSN) to the database the sink agents write; 'destill status'"
              + " follows requests of 'destill submit' ('destill history' lists local analyses)");
    }
    Clock clock = services.clock();
    RequestRecord r;
    Optional<BaselineSummary> baseline;
    try (FindingStore store = services.openClusterStore()) {
      Instant deadline = clock.instant().plusSeconds(waitSeconds == null ? 0 : waitSeconds);
      while (true) {
        Optional<RequestRecord> found = store.request(requestId);
        if (found.isPresent() && (waitSeconds == null || found.get().status().isFinal())) {
          r = found.get();
          break;
        }
        if (!clock.instant().isBefore(deadline)) {
          if (found.isEmpty()) {
            throw new DestillException.BadInput(
                "no request "
                    + requestId
                    + " is known yet (is a sink agent running? 'destill history' lists requests)");
          }
          r = found.get();
          break;
        }
        Thread.sleep(Duration.ofMillis(250).toMillis());
      }
      baseline = store.baseline(r.id()).map(BaselineSummary::of);
    }
    // Chunks of one job may each say the same (a baseline that did not arrive): said once.
    List<String> warnings = List.copyOf(new LinkedHashSet<>(r.warnings()));
    PrintWriter out = spec.commandLine().getOut();
    if (format != Format.TEXT) {
      JsonGenerator g = new JsonFactory().createGenerator(out);
      g.writeStartObject();
      g.writeStringField("request_id", r.id());
      g.writeStringField("status", r.status().id());
      g.writeStringField("target", r.target());
      g.writeStringField("build_id", r.buildId());
      g.writeStringField("title", r.title());
      g.writeNumberField("chunks_done", r.chunksDone());
      g.writeNumberField("chunks_total", r.chunksTotal());
      g.writeNumberField("findings", r.findings());
      g.writeStringField("error", r.error());
      g.writeArrayFieldStart("warnings");
      for (String w : warnings) {
        g.writeString(w);
      }
      g.writeEndArray();
      if (baseline.isPresent()) {
        JsonReport.writeBaseline(g, baseline.get());
      }
      g.writeStringField("created", r.created().toString());
      g.writeStringField("updated", r.updated().toString());
      g.writeEndObject();
      g.flush();
      out.println();
    } else {
      out.println(
          r.id()
              + "  "
              + r.status().id()
              + "  chunks "
              + r.chunksDone()
              + "/"
              + (r.chunksTotal() == 0 && !r.status().isFinal() ? "?" : r.chunksTotal())
              + "  findings "
              + r.findings()
              + (r.target().isEmpty() ? "" : "  " + r.target()));
      if (!r.error().isEmpty()) {
        out.println("error: " + r.error());
      }
      baseline.ifPresent(b -> out.println(b.describe()));
      for (String w : warnings) {
        out.println("warning: " + w);
      }
    }
    out.flush();
    if (waitSeconds == null) {
      return ExitCodes.OK;
    }
    return switch (r.status()) {
      case COMPLETE -> ExitCodes.OK;
      case INCOMPLETE -> ExitCodes.REQUEST_INCOMPLETE;
      // Failed, or still running when the time ran out.
      case FAILED, PENDING, INGESTING, ANALYZING -> ExitCodes.INPUT;
    };
  }
}
