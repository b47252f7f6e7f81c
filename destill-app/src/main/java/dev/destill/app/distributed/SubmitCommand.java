package dev.destill.app.distributed;

import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.wiring.Services;
import dev.destill.core.broker.Broker;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill submit}: queues a build for the distributed agents and prints its request id. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Queues a build for analysis by the distributed agents and prints the request id at once.",
      "Needs DESTILL_KAFKA_BROKERS (or REDPANDA_BROKERS). Follow it with 'destill status ID'"
          + " and 'destill view ID'."
    })
public final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public SubmitCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Parameters(paramLabel = "URL", description = "A Buildkite, GitHub Actions or GitLab build URL.")
  String url;

  @Override
  public Integer call() {
    if (services.remoteProviders().stream().noneMatch(p -> p.accepts(url))) {
      throw new ParameterException(
          spec.commandLine(),
          "submit takes a Buildkite, GitHub Actions or GitLab build URL, not '"
              + url
              + "' (for local files use 'destill analyze')");
    }
    Clock clock = services.clock();
    String id = AnalysisService.newRequestId(clock);
    MessageCodec codec = services.codec();
    Instant now = clock.instant();
    try (Broker broker = services.connectBroker()) {
      // The sink records the request at once, so 'status' knows it before an ingest agent does.
      PipelineMessage.Progress submitted =
          new PipelineMessage.Progress(new RequestEvent.Submitted(id, url, now));
      broker.publish(Topics.FINDINGS, id, codec.encode(submitted));
      broker.publish(
          Topics.REQUESTS,
          id,
          codec.encode(new PipelineMessage.AnalysisRequest(id, List.of(url), now)));
      broker.flush(Duration.ofSeconds(30));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(id);
    out.flush();
    return ExitCodes.OK;
  }
}
