package dev.destill.app.analysis;

import dev.destill.core.DestillException;
import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.Triage;
import dev.destill.core.junit.JUnitParser;
import dev.destill.core.junit.JUnitResult;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.TestReport;
import dev.destill.core.provider.TestReports;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs one analysis end to end: resolves the targets to a build through its provider, streams every
 * job log through a {@link LogScanner} (jobs in parallel), parses test reports, and ranks the
 * findings with {@link Triage}. Thread-safe; each call is independent.
 */
public final class AnalysisService {
  private static final int READ_BUFFER = 1 << 16;
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final List<CiProvider> providers;
  private final Clock clock;

  public AnalysisService(List<CiProvider> providers, Clock clock) {
    this.providers = List.copyOf(providers);
    this.clock = clock;
  }

  /** A new request id: time-ordered and unique enough for one user's history. */
  public String newRequestId() {
    return "req-"
        + ID_TIME.format(clock.instant())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  public AnalysisReport analyze(AnalysisRequest request, AnalysisListener listener) {
    Instant started = clock.instant();
    String requestId = newRequestId();
    List<String> warnings = new ArrayList<>();
    List<Build> builds = new ArrayList<>();
    for (String target : request.targets()) {
      CiProvider provider = providerFor(target);
      builds.add(
          provider.fetchBuild(
              target,
              event -> {
                if (event instanceof ProgressEvent.Warning w) {
                  warnings.add(w.message());
                }
                listener.onProgress(event);
              }));
    }
    if (builds.size() > 1 && builds.stream().anyMatch(b -> !b.provider().equals("local"))) {
      throw new DestillException.BadInput("give one build URL at a time (or only local files)");
    }

    List<Work> work = new ArrayList<>();
    for (Build build : builds) {
      CiProvider provider = providerFor(build.url());
      for (BuildJob job : build.jobs()) {
        work.add(new Work(provider, build, job));
      }
    }
    int threads = Math.max(1, Math.min(request.parallelism(), work.size()));
    // Cores the jobs leave idle go to splitting a single large local log.
    int spare = Math.max(1, request.parallelism() / threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    try {
      List<Future<JobOutcome>> futures = new ArrayList<>();
      for (Work w : work) {
        futures.add(pool.submit(() -> run(w, listener, spare)));
      }
      List<JobScan> scans = new ArrayList<>();
      List<Finding> testFindings = new ArrayList<>();
      List<JobSummary> jobs = new ArrayList<>();
      int failures = 0;
      for (int i = 0; i < futures.size(); i++) {
        Work w = work.get(i);
        JobOutcome outcome = await(futures.get(i));
        warnings.addAll(outcome.warnings);
        if (outcome.failure != null) {
          failures++;
        }
        outcome.scan().ifPresent(scans::add);
        testFindings.addAll(outcome.testFindings);
        jobs.add(
            new JobSummary(
                w.job.info().name(),
                w.job.info().state(),
                w.job.info().exitStatus(),
                outcome.scan().map(JobScan::lines).orElse(0L),
                outcome.scan().map(JobScan::bytes).orElse(0L)));
      }
      if (failures > 0 && failures == work.size()) {
        throw firstFailure(futures);
      }
      List<Finding> ranked = Triage.rank(scans, testFindings);
      listener.onProgress(new ProgressEvent.Completed(ranked.size()));
      Build first = builds.get(0);
      String title = builds.size() == 1 ? first.title() : builds.size() + " inputs";
      String buildId = builds.size() == 1 ? first.id() : "local:" + request.input();
      return new AnalysisReport(
          requestId, request.input(), buildId, title, jobs, ranked, warnings, started);
    } finally {
      pool.shutdownNow();
    }
  }

  private record Work(CiProvider provider, Build build, BuildJob job) {}

  private static final class JobOutcome {
    JobScan scan;
    final List<Finding> testFindings = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    DestillException failure;

    java.util.Optional<JobScan> scan() {
      return java.util.Optional.ofNullable(scan);
    }
  }

  private JobOutcome run(Work w, AnalysisListener outer, int spareCores) {
    JobOutcome out = new JobOutcome();
    String name = w.job.info().name();
    // Every warning of this job goes both to the live listener and into the report.
    AnalysisListener listener =
        new AnalysisListener() {
          @Override
          public void onProgress(ProgressEvent event) {
            if (event instanceof ProgressEvent.Warning warning) {
              synchronized (out) {
                out.warnings.add(warning.message());
              }
            }
            outer.onProgress(event);
          }

          @Override
          public void onFinding(Finding finding) {
            outer.onFinding(finding);
          }
        };
    try {
      TestReports reports = w.provider.testReports(w.build, w.job);
      for (String warning : reports.warnings()) {
        listener.onProgress(new ProgressEvent.Warning(warning));
      }
      for (TestReport report : reports.reports()) {
        JUnitResult result = JUnitParser.parse(name, report);
        result.warnings().forEach(m -> listener.onProgress(new ProgressEvent.Warning(m)));
        out.testFindings.addAll(result.findings());
        result.findings().forEach(listener::onFinding);
      }
      if (w.job.hasLog()) {
        listener.onProgress(new ProgressEvent.JobStarted(name));
        out.scan = scan(w, listener, spareCores);
        listener.onProgress(
            new ProgressEvent.JobFinished(
                name, out.scan.lines(), out.scan.bytes(), out.scan.findings().size()));
      }
    } catch (DestillException e) {
      out.failure = e;
      listener.onProgress(new ProgressEvent.Warning(e.getMessage()));
    }
    return out;
  }

  private static JobScan scan(Work w, AnalysisListener listener, int spareCores) {
    java.util.Optional<java.nio.file.Path> file =
        w.provider instanceof dev.destill.app.local.LocalFilesProvider local
            ? local.plainFile(w.job)
            : java.util.Optional.empty();
    if (spareCores > 1 && file.isPresent()) {
      try {
        if (java.nio.file.Files.size(file.get()) >= SplitScan.MIN_SPLIT_BYTES) {
          JobScan scan = SplitScan.scan(file.get(), w.job.info(), spareCores);
          scan.findings().forEach(listener::onFinding);
          return scan;
        }
      } catch (IOException e) {
        throw new DestillException.BadInput("cannot read " + file.get() + ": " + describe(e), e);
      }
    }
    LogScanner scanner = new LogScanner(w.job.info(), ScanOptions.defaults());
    byte[] buf = new byte[READ_BUFFER];
    try (InputStream in = w.provider.openLog(w.build, w.job)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        scanner.accept(buf, 0, n);
      }
    } catch (IOException e) {
      // What was read so far is still analyzed: a truncated log still shows its errors.
      JobScan partial = scanner.finish();
      listener.onProgress(
          new ProgressEvent.Warning(
              "log of "
                  + w.job.info().name()
                  + " ended early after "
                  + partial.lines()
                  + " lines ("
                  + describe(e)
                  + "); showing what was read"));
      partial.findings().forEach(listener::onFinding);
      return partial;
    }
    JobScan scan = scanner.finish();
    scan.findings().forEach(listener::onFinding);
    if (scan.dropped() > 0) {
      listener.onProgress(
          new ProgressEvent.Warning(
              w.job.info().name()
                  + ": kept the "
                  + scan.findings().size()
                  + " strongest distinct findings; "
                  + scan.dropped()
                  + " weaker ones were only counted"));
    }
    return scan;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private CiProvider providerFor(String target) {
    for (CiProvider p : providers) {
      if (p.accepts(target)) {
        return p;
      }
    }
    throw new DestillException.BadInput(
        "don't know how to read "
            + target
            + ": give a file, a directory, '-', or a Buildkite, "
            + "GitHub Actions or GitLab build URL");
  }

  private static JobOutcome await(Future<JobOutcome> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DestillException("analysis interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new DestillException("analysis failed: " + cause, cause);
    }
  }

  private static DestillException firstFailure(List<Future<JobOutcome>> futures) {
    for (Future<JobOutcome> f : futures) {
      JobOutcome o = await(f);
      if (o.failure != null) {
        return o.failure;
      }
    }
    return new DestillException("no job could be read");
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "destill-job");
      t.setDaemon(true);
      return t;
    };
  }
}
