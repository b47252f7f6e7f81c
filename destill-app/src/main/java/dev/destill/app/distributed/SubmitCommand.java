package dev.destill.app.distributed;

import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.wiring.Services;
import dev.destill.core.broker.Broker;
import dev.destill.core.ingest.BaselineReader;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.BaselineChoice;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill submit}: queues a build for the distributed agents and prints its request id. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Queues a build for analysis by the distributed agents and prints the request id at once."
          + " Its failed jobs are compared with the last green build unless told otherwise.",
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

  @Option(
      names = "--baseline",
      paramLabel = "BASELINE",
      description =
          "Compare with a passing run: a passing build's URL (jobs paired by name and matrix"
              + " values), auto: the last green build of the same pipeline on the branch, else the"
              + " default branch (the default), or a local log file (or .gz) or directory of logs"
              + " paired with the jobs by name, which submit reads and sends along. Findings the"
              + " baseline shows too rank lower; new ones are marked (docs/baseline.md).")
  String baseline;

  @Option(names = "--no-baseline", description = "Compare with no passing run.")
  boolean noBaseline;

  @Override
  public Integer call() {
    if (services.remoteProviders().stream().noneMatch(p -> p.accepts(url))) {
      throw new ParameterException(
          spec.commandLine(),
          "submit takes a Buildkite, GitHub Actions or GitLab build URL, not '"
              + url
              + "' (for local files use 'destill analyze')");
    }
    if (noBaseline && baseline != null) {
      throw new ParameterException(
          spec.commandLine(), "--baseline and --no-baseline exclude each other");
    }
    if (baseline != null && baseline.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--baseline needs a build URL, auto, a file or a directory");
    }
    if (baseline != null
        && !noBaseline
        && !baseline.equals("auto")
        && services.remoteProviders().stream().noneMatch(p -> p.accepts(baseline))
        && !java.nio.file.Files.exists(java.nio.file.Path.of(baseline))) {
      // Said before anything connects, as analyze says it.
      throw new dev.destill.core.DestillException.BadInput(
          "--baseline " + baseline + ": no such file or directory");
    }
    Clock clock = services.clock();
    String id = AnalysisService.newRequestId(clock);
    MessageCodec codec = services.codec();
    Instant now = clock.instant();
    try (Broker broker = services.connectBroker()) {
      // Local files are read here, where they are, and go ahead of the request; a baseline that
      // is not there stops the submission before anything is recorded.
      BaselineChoice choice = baselineChoice(id, broker, codec);
      // The sink records the request at once, so 'status' knows it before an ingest agent does.
      PipelineMessage.Progress submitted =
          new PipelineMessage.Progress(new RequestEvent.Submitted(id, url, now));
      broker.publish(Topics.FINDINGS, id, codec.encode(submitted));
      broker.publish(
          Topics.REQUESTS,
          id,
          codec.encode(new PipelineMessage.AnalysisRequest(id, List.of(url), now, choice)));
      broker.flush(Duration.ofSeconds(30));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(id);
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * What the request compares its failed jobs with. A local file or directory is read now, each
   * file's templates published as a set of the request on the baselines topic, bounded as local
   * mode reads a baseline: the agents cannot read this machine's files.
   */
  private BaselineChoice baselineChoice(String id, Broker broker, MessageCodec codec) {
    if (noBaseline) {
      return BaselineChoice.NONE;
    }
    if (baseline == null || baseline.equals("auto")) {
      return BaselineChoice.AUTO;
    }
    if (services.remoteProviders().stream().anyMatch(p -> p.accepts(baseline))) {
      return new BaselineChoice.Given(baseline);
    }
    PrintWriter err = spec.commandLine().getErr();
    BaselineChoice.Uploaded uploaded =
        BaselineReader.upload(
            baseline,
            services.providers(JobState.PASSED),
            (name, templates) -> {
              for (PipelineMessage.BaselinePart part :
                  PipelineMessage.BaselinePart.of(
                      id, BaselineChoice.Uploaded.set(name), templates.toBytes())) {
                broker.publish(Topics.BASELINES, id, codec.encode(part));
              }
            },
            e -> {
              if (e instanceof ProgressEvent.Warning w) {
                err.println("destill: warning: " + w.message());
                err.flush();
              }
            });
    if (uploaded.files().isEmpty()) {
      err.println("destill: warning: --baseline " + baseline + " holds no log that could be read");
      err.flush();
    }
    return uploaded;
  }
}
