package dev.destill.core.provider;

import dev.destill.core.DestillException;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A CI provider whose builds are held in memory, for tests and for embedding: it accepts targets
 * that start with {@code NAME:} ({@code memory:} by default), serves the builds {@linkplain #add
 * added} under them, and fails as told. Thread-safe.
 */
public final class InMemoryCiProvider implements CiProvider {
  private static final String REF = "memory-job";

  /** A job of a build to add: its info, its log (empty for a job without one) and reports. */
  public record Job(JobInfo info, Optional<byte[]> log, TestReports reports) {
    public Job {
      Objects.requireNonNull(info, "info");
      log = log.map(byte[]::clone);
      Objects.requireNonNull(reports, "reports");
    }

    /** A job with a log and no test reports. */
    public static Job withLog(JobInfo info, byte[] log) {
      return new Job(info, Optional.of(log), TestReports.NONE);
    }

    /** A job that never has a log (a wait step, a manual block). */
    public static Job withoutLog(JobInfo info) {
      return new Job(info, Optional.empty(), TestReports.NONE);
    }

    /** This job with {@code reports} attached. */
    public Job withReports(TestReports more) {
      return new Job(info, log, more);
    }
  }

  private record Stored(Build build, Map<String, Job> jobs) {}

  private final String name;
  private final Map<String, Stored> builds = new ConcurrentHashMap<>();
  private final Map<String, DestillException> failures = new ConcurrentHashMap<>();
  private final Map<String, IOException> breaks = new ConcurrentHashMap<>();
  private final Map<String, DestillException> logFailures = new ConcurrentHashMap<>();
  private final Map<String, DestillException> reportFailures = new ConcurrentHashMap<>();
  private final List<String> opened = new CopyOnWriteArrayList<>();
  private final Map<String, PassingBuild> greens = new ConcurrentHashMap<>();
  private final Map<String, DestillException> greenFailures = new ConcurrentHashMap<>();
  private final List<String> greenAsked = new CopyOnWriteArrayList<>();

  /** A provider named {@code memory}. */
  public InMemoryCiProvider() {
    this("memory");
  }

  /**
   * @param name the provider's name and the prefix of its targets ({@code NAME:...})
   */
  public InMemoryCiProvider(String name) {
    this.name = new ProviderId(name).name();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(String target) {
    return target.startsWith(name + ":");
  }

  /**
   * Adds a build under {@code target}: its jobs in order, titled {@code title}, failed when a job
   * failed. Returns the target.
   */
  public String add(String target, String title, List<Job> jobs) {
    if (!accepts(target)) {
      throw new IllegalArgumentException(target + " does not start with " + name + ":");
    }
    Map<String, Job> byId = new LinkedHashMap<>();
    List<BuildJob> listed = new ArrayList<>();
    for (Job j : jobs) {
      if (byId.putIfAbsent(j.info().id(), j) != null) {
        throw new IllegalArgumentException("two jobs with id " + j.info().id());
      }
      listed.add(new BuildJob(j.info(), j.log().isPresent(), Map.of(REF, j.info().id())));
    }
    JobState state =
        jobs.stream().anyMatch(j -> j.info().state() == JobState.FAILED)
            ? JobState.FAILED
            : JobState.PASSED;
    Build build =
        new Build(
            name + ":" + target.substring(name.length() + 1), name, target, title, state, listed);
    builds.put(target, new Stored(build, byId));
    return target;
  }

  /** Makes every later call about {@code target} (resolving it, its logs, its reports) throw. */
  public void failOn(String target, DestillException failure) {
    failures.put(target, Objects.requireNonNull(failure, "failure"));
  }

  /** Makes the log of job {@code jobId} end with {@code failure} after its bytes. */
  public void breakLog(String jobId, IOException failure) {
    breaks.put(jobId, Objects.requireNonNull(failure, "failure"));
  }

  /** Makes opening the log of job {@code jobId} throw {@code failure}. */
  public void failLog(String jobId, DestillException failure) {
    logFailures.put(jobId, Objects.requireNonNull(failure, "failure"));
  }

  /** Makes fetching the test reports of job {@code jobId} throw {@code failure}. */
  public void failReports(String jobId, DestillException failure) {
    reportFailures.put(jobId, Objects.requireNonNull(failure, "failure"));
  }

  /** Makes {@code green} the last green build of the pipeline {@code target} belongs to. */
  public void lastGreen(String target, PassingBuild green) {
    greens.put(target, Objects.requireNonNull(green, "green"));
  }

  /** Makes looking up the last green build for {@code target} throw {@code failure}. */
  public void failLastGreen(String target, DestillException failure) {
    greenFailures.put(target, Objects.requireNonNull(failure, "failure"));
  }

  /** The targets whose last green build was asked for, in order. */
  public List<String> lastGreenAsked() {
    return List.copyOf(greenAsked);
  }

  @Override
  public Optional<PassingBuild> lastGreen(String target, Consumer<ProgressEvent> progress) {
    greenAsked.add(target);
    DestillException failure = greenFailures.get(target);
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(greens.get(target));
  }

  /** The ids of the jobs whose logs were opened, in order. */
  public List<String> opened() {
    return List.copyOf(opened);
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    return stored(target).build();
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    Job j = job(build, job);
    byte[] log =
        j.log()
            .orElseThrow(
                () -> new DestillException.BadInput("job " + job.info().name() + " has no log"));
    DestillException failure = logFailures.get(j.info().id());
    if (failure != null) {
      throw failure;
    }
    opened.add(j.info().id());
    IOException broken = breaks.get(j.info().id());
    if (broken == null) {
      return new ByteArrayInputStream(log);
    }
    return new java.io.SequenceInputStream(
        new ByteArrayInputStream(log),
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw broken;
          }
        });
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    Job j = job(build, job);
    DestillException failure = reportFailures.get(j.info().id());
    if (failure != null) {
      throw failure;
    }
    return j.reports();
  }

  private Stored stored(String target) {
    DestillException failure = failures.get(target);
    if (failure != null) {
      throw failure;
    }
    Stored s = builds.get(target);
    if (s == null) {
      throw new DestillException.BadInput("no build at " + target);
    }
    return s;
  }

  private Job job(Build build, BuildJob job) {
    Job j = stored(build.url()).jobs().get(job.refs().getOrDefault(REF, ""));
    if (j == null) {
      throw new DestillException.BadInput("no job " + job.info().name() + " in " + build.url());
    }
    return j;
  }
}
