package dev.destill.app.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.DestillException;
import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.broker.Subscription;
import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.Triage;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.TestReports;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.wire.MessageJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AnalysisServiceTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path tmp;

  private AnalysisService service(int chunkBytes) {
    return new AnalysisService(
        List.of(new LocalFilesProvider(JobState.FAILED, InputStream.nullInputStream())),
        Clock.systemUTC(),
        chunkBytes);
  }

  /** The findings of one pass over the whole log, as the engine gives them. */
  private static List<Finding> whole(Path log) throws IOException {
    String name = log.toString();
    LogScanner scanner = new LogScanner(JobInfo.of(name, JobState.FAILED), ScanOptions.defaults());
    byte[] bytes = Files.readAllBytes(log);
    scanner.accept(bytes, 0, bytes.length);
    JobScan scan = scanner.finish();
    return Triage.rank(List.of(scan), List.of());
  }

  private static List<String> identities(List<Finding> findings) {
    List<String> out = new ArrayList<>();
    for (Finding f : findings) {
      out.add(
          f.line()
              + "-"
              + f.endLine()
              + " "
              + f.hash()
              + " x"
              + f.recurrence()
              + " ["
              + f.step()
              + "] "
              + f.confidence());
    }
    Collections.sort(out);
    return out;
  }

  private static Path bigLog(Path dir) throws IOException {
    // Every example log, many times over, so that small chunks cut through blocks and context.
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> logs = Files.list(EXAMPLES)) {
      for (Path p : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        all.writeBytes(Files.readAllBytes(p));
      }
    }
    byte[] one = all.toByteArray();
    Path big = dir.resolve("big.log");
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 5; i++) {
        out.write(one);
        out.write(("--- round " + i + " ---\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return big;
  }

  @Test
  void shouldFindTheSameFailuresWhateverTheChunkSize() throws IOException {
    Path log = bigLog(tmp);
    List<String> expected = identities(whole(log));
    assertThat(expected).isNotEmpty();
    for (int chunk : new int[] {1 << 20, 8 << 10, 3 << 10}) {
      AnalysisReport report =
          service(chunk).analyze(AnalysisRequest.of(log.toString()), AnalysisListener.NONE);
      assertThat(identities(report.findings())).as("chunks of %d bytes", chunk).isEqualTo(expected);
    }
  }

  @Test
  void shouldRankTheCompileErrorFirstThroughThePipeline() {
    AnalysisReport report =
        service(500 * 1024)
            .analyze(
                AnalysisRequest.of(EXAMPLES.resolve("github-maven-compile-error.log").toString()),
                AnalysisListener.NONE);
    assertThat(report.findings().get(0).message()).contains("cannot find symbol");
    assertThat(report.jobs()).hasSize(1);
    assertThat(report.jobs().get(0).lines()).isEqualTo(64);
    assertThat(report.stored().findings()).isNotEmpty();
  }

  @Test
  void shouldStreamFindingsToTheListenerBeforeTheReport() {
    List<Finding> live = Collections.synchronizedList(new ArrayList<>());
    // What the listener heard, in order: "f" for a finding, "done" for the completion.
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    AnalysisReport report =
        service(2048)
            .analyze(
                AnalysisRequest.of(EXAMPLES.resolve("buildkite-go-panic.log").toString()),
                new AnalysisListener() {
                  @Override
                  public void onFinding(Finding finding) {
                    live.add(finding);
                    heard.add("f");
                  }

                  @Override
                  public void onProgress(ProgressEvent event) {
                    if (event instanceof ProgressEvent.Completed) {
                      heard.add("done");
                    }
                  }
                });
    assertThat(live).isNotEmpty();
    assertThat(live.size()).isGreaterThanOrEqualTo(report.findings().size() - 1);
    assertThat(heard).as("every finding before the completion").endsWith("done");
    assertThat(heard.indexOf("done")).isEqualTo(heard.size() - 1);
  }

  @Test
  @Timeout(60)
  void shouldFailWithTheReasonWhenAnAgentDiesInsteadOfWaitingForever() {
    CiProvider dying =
        new CiProvider() {
          @Override
          public String name() {
            return "local";
          }

          @Override
          public boolean accepts(String target) {
            return true;
          }

          @Override
          public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
            return new Build(
                "local:x",
                "local",
                target,
                "x",
                JobState.FAILED,
                List.of(new BuildJob(JobInfo.of("x", JobState.FAILED), true, Map.of())));
          }

          @Override
          public InputStream openLog(Build build, BuildJob job) {
            // What no message policy can handle: the agent itself cannot go on.
            throw new OutOfMemoryError("simulated: no memory left for the log");
          }

          @Override
          public TestReports testReports(Build build, BuildJob job) {
            return TestReports.NONE;
          }
        };
    AnalysisService service = new AnalysisService(List.of(dying), Clock.systemUTC(), 1024);

    assertThatThrownBy(() -> service.analyze(AnalysisRequest.of("x.log"), AnalysisListener.NONE))
        .isInstanceOf(DestillException.class)
        .hasMessage(
            "the analysis stopped: the ingest agent failed (simulated: no memory left for the"
                + " log)");
  }

  @Test
  void shouldReportAMissingFileAsItsError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                service(1024)
                    .analyze(
                        AnalysisRequest.of(tmp.resolve("nope.log").toString()),
                        AnalysisListener.NONE))
        .isInstanceOf(dev.destill.core.DestillException.class)
        .hasMessageContaining("nope.log");
  }

  @Test
  void shouldReportHowFarALongLogHasBeenReadWhileReadingIt() throws IOException {
    Path log = tmp.resolve("long.log");
    String line = "INFO nothing to see here, just a long log line padded to a hundred bytes.....\n";
    try (var out = Files.newBufferedWriter(log)) {
      for (long written = 0; written < (10L << 20); written += line.length()) {
        out.write(line);
      }
    }
    List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
    service(1 << 20)
        .analyze(
            AnalysisRequest.of(log.toString()),
            new AnalysisListener() {
              @Override
              public void onProgress(ProgressEvent event) {
                events.add(event);
              }
            });
    List<Long> reading =
        events.stream()
            .filter(e -> e instanceof ProgressEvent.JobReading)
            .map(e -> ((ProgressEvent.JobReading) e).bytes())
            .toList();
    assertThat(reading).as("every 4 MB of a 10 MB log").hasSize(2);
    assertThat(reading.get(0)).isGreaterThanOrEqualTo(4L << 20).isLessThan(8L << 20);
    assertThat(reading.get(1)).isGreaterThanOrEqualTo(8L << 20).isLessThan(10L << 20);
    List<Class<?>> kinds = events.stream().<Class<?>>map(Object::getClass).toList();
    assertThat(kinds.indexOf(ProgressEvent.JobFinished.class))
        .as("the log is finished after it was read")
        .isGreaterThan(kinds.lastIndexOf(ProgressEvent.JobReading.class));
  }

  /** Runs an analysis that must end: a hang fails the test instead of stalling the build. */
  private AnalysisReport analyzeWithin(String... targets) {
    return assertTimeoutPreemptively(
        HANG,
        () -> service(1024).analyze(AnalysisRequest.of(targets), AnalysisListener.NONE),
        "the analysis hangs");
  }

  private static final Duration HANG = Duration.ofSeconds(60);

  private Path example(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.copy(EXAMPLES.resolve("github-maven-compile-error.log"), dir.resolve("ex.log"));
  }

  @Test
  void shouldReadAFileGivenTwiceOnce() throws IOException {
    Path log = example(tmp);

    AnalysisReport report = analyzeWithin(log.toString(), log.toString());

    assertThat(report.jobs()).hasSize(1);
    assertThat(report.findings().get(0).message()).contains("cannot find symbol");
    assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("more than once"));
  }

  @Test
  void shouldReadAFileGivenWithItsDirectoryOnce() throws IOException {
    Path dir = tmp.resolve("logs");
    Path log = example(dir);

    AnalysisReport report =
        analyzeWithin(dir.toString(), dir.resolve(".").resolve("ex.log").toString());

    assertThat(report.jobs()).hasSize(1);
    assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("listed more than once"));
    assertThat(log).exists();
  }

  @Test
  void shouldGiveUpWithTheReasonWhenThePipelineCannotFinish() {
    AnalysisService.Watcher watcher =
        new AnalysisService.Watcher(
            "req-1", new InMemoryFindingStore(Clock.systemUTC()), AnalysisListener.NONE);

    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    HANG, () -> watcher.await(() -> Optional.of("every agent is idle"))))
        .isInstanceOf(DestillException.class)
        .hasMessageContaining("stopped before it finished")
        .hasMessageContaining("every agent is idle");
  }

  @Test
  void shouldTellAnIdlePipelineFromABusyOne() throws Exception {
    try (InMemoryBroker broker = new InMemoryBroker()) {
      List<Agent> none = List.of();
      broker.publish(Topics.REQUESTS, "r", new byte[] {1});
      assertThat(AnalysisService.stuck(broker, none, List.of())).as("not yet taken").isEmpty();

      Subscription ingest = broker.subscribe(Topics.REQUESTS, Topics.INGEST_GROUP, 1);
      assertThat(ingest.poll(Duration.ZERO)).hasSize(1);
      assertThat(AnalysisService.stuck(broker, none, List.of())).as("taken, not done").isEmpty();

      ingest.commit();
      assertThat(AnalysisService.stuck(broker, none, List.of())).contains("every agent is idle");
    }
  }

  @Test
  void shouldNameAnAgentWhoseThreadEnded() throws Exception {
    try (InMemoryBroker broker = new InMemoryBroker()) {
      Agent analyze = new AnalyzeAgent(broker, new MessageJson(), AgentMetrics.NONE, 1, false);
      Thread ended = new Thread(() -> {});
      ended.start();
      ended.join();
      broker.publish(Topics.LOGS, "chunk", new byte[] {1});

      assertThat(AnalysisService.stuck(broker, List.of(analyze), List.of(ended)))
          .contains("the analyze agent stopped");
    }
  }

  /**
   * A provider of one failed job whose log breaks off after {@code breakAt} bytes, {@code times}.
   */
  private static CiProvider breaking(
      String job, byte[] log, int breakAt, int times, AtomicInteger opens) {
    return new CiProvider() {
      @Override
      public String name() {
        return "local";
      }

      @Override
      public boolean accepts(String target) {
        return true;
      }

      @Override
      public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
        return new Build(
            "local:x",
            "local",
            target,
            "x",
            JobState.FAILED,
            List.of(new BuildJob(JobInfo.of(job, JobState.FAILED), true, Map.of())));
      }

      @Override
      public InputStream openLog(Build build, BuildJob job) {
        int open = opens.incrementAndGet();
        if (open > times) {
          return new java.io.ByteArrayInputStream(log);
        }
        // The connection is cut: the bytes before the cut arrive, then the read fails.
        return new java.io.FilterInputStream(new java.io.ByteArrayInputStream(log, 0, breakAt)) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
              throw new IOException("connection reset");
            }
            return n;
          }
        };
      }

      @Override
      public TestReports testReports(Build build, BuildJob job) {
        return TestReports.NONE;
      }
    };
  }

  @Test
  void shouldReadOnWhereALogBrokeOffAndFindWhatACleanReadFinds() throws IOException {
    Path big = bigLog(tmp);
    byte[] log = Files.readAllBytes(big);
    List<String> expected = identities(whole(big));
    String job = big.toString();
    AtomicInteger opens = new AtomicInteger();
    AnalysisService service =
        new AnalysisService(
            List.of(breaking(job, log, log.length / 3, 1, opens)), Clock.systemUTC(), 8 << 10);

    AnalysisReport report = service.analyze(AnalysisRequest.of("x.log"), AnalysisListener.NONE);

    assertThat(opens).as("opened again once").hasValue(2);
    assertThat(report.warnings()).noneMatch(w -> w.contains("ended early"));
    assertThat(identities(report.findings())).isEqualTo(expected);
  }

  @Test
  void shouldSayALogEndedEarlyWhenItKeepsBreakingOff() throws IOException {
    byte[] log = Files.readAllBytes(bigLog(tmp));
    AtomicInteger opens = new AtomicInteger();
    AnalysisService service =
        new AnalysisService(
            List.of(breaking("x.log", log, log.length / 3, Integer.MAX_VALUE, opens)),
            Clock.systemUTC(),
            8 << 10);

    AnalysisReport report = service.analyze(AnalysisRequest.of("x.log"), AnalysisListener.NONE);

    assertThat(opens)
        .as("the terminal's budget: 4 attempts")
        .hasValue(dev.destill.core.ErrorPolicy.INTERACTIVE.transientBudget().attempts());
    assertThat(report.warnings())
        .anyMatch(w -> w.contains("ended early") && w.contains("4 attempts"));
    assertThat(report.findings()).isNotEmpty();
  }
}
