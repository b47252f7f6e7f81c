package dev.destill.core.ingest;

import dev.destill.core.DestillException;
import dev.destill.core.engine.JobPairing;
import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.PassingBuild;
import dev.destill.core.provider.ProviderId;
import dev.destill.core.provider.Targets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds the baseline an analysis compares failed jobs with and reads it: discovers the last green
 * build, resolves a given build or file, pairs its jobs with the failed ones (by name and matrix
 * values; the files of a directory by file name) and streams a paired job's log into its {@link
 * LineTemplates} when the analysis first needs them. Thread-safe once resolved.
 */
public final class BaselineReader {

  /**
   * A resolved baseline.
   *
   * @param source the build URL or path used, empty when none was found
   * @param note how it was found, or why none was
   * @param loader the templates a failed job is compared with
   */
  public record Resolved(
      Optional<String> source, String note, Function<JobInfo, Optional<LineTemplates>> loader) {}

  // The analysis waits for its baseline, so reading it may take every core.
  private static final int WORKERS = Math.min(4, Runtime.getRuntime().availableProcessors());

  private BaselineReader() {}

  /**
   * The baseline {@code choice} names for {@code targets}; empty when there is nothing to compare
   * with and nothing to say (no baseline asked for, or {@code auto} for local files).
   */
  public static Optional<Resolved> resolve(
      BaselineChoice choice,
      List<String> targets,
      List<CiProvider> providers,
      Consumer<ProgressEvent> progress) {
    return switch (choice) {
      case BaselineChoice.None _ -> Optional.empty();
      case BaselineChoice.Auto _ -> auto(targets, providers, progress);
      case BaselineChoice.Given g -> Optional.of(given(g.target(), "", providers, progress));
      case BaselineChoice.Uploaded _ ->
          throw new IllegalArgumentException(
              "an uploaded baseline is not read again: its sets are on the baselines topic");
    };
  }

  /**
   * Reads local baseline {@code target} (a file, {@code .gz} too, or a directory of them) as {@code
   * destill submit} uploads it: each file's templates go to {@code sink} under the file's name, one
   * file at a time; a file that cannot be read is skipped with a warning. Returns the choice that
   * names what was read.
   *
   * @throws DestillException.BadInput when {@code target} is no local file or directory
   */
  public static BaselineChoice.Uploaded upload(
      String target,
      List<CiProvider> providers,
      java.util.function.BiConsumer<String, LineTemplates> sink,
      Consumer<ProgressEvent> progress) {
    CiProvider p = provider(target, providers);
    if (!p.id().equals(ProviderId.LOCAL) || !Files.exists(Path.of(target))) {
      throw new DestillException.BadInput("--baseline " + target + ": no such file or directory");
    }
    Build build = p.fetchBuild(target, warningsOnly(progress));
    List<String> files = new java.util.ArrayList<>();
    for (BuildJob j : build.jobs()) {
      if (!j.hasLog()) {
        continue;
      }
      String key = fileKey(j.info().name());
      Optional<LineTemplates> t = read(p, build, j, progress);
      if (t.isPresent() && !files.contains(key)) {
        sink.accept(key, t.get());
        files.add(key);
      }
    }
    boolean single = !Files.isDirectory(Path.of(target)) && files.size() == 1;
    return new BaselineChoice.Uploaded(target, files, single);
  }

  /**
   * The template set of {@code uploaded} that failed job {@code job} is compared with: the single
   * file, or the file paired with the job by name as a local directory pairs; empty for a job that
   * did not fail or has no pair.
   */
  public static Optional<String> uploadedSet(BaselineChoice.Uploaded uploaded, JobInfo job) {
    if (!job.failed() || uploaded.files().isEmpty()) {
      return Optional.empty();
    }
    if (uploaded.single()) {
      return Optional.of(BaselineChoice.Uploaded.set(uploaded.files().get(0)));
    }
    Map<String, String> sets = new LinkedHashMap<>();
    for (String f : uploaded.files()) {
      sets.put(f, BaselineChoice.Uploaded.set(f));
    }
    return JobPairing.pair(fileKey(job.name()), sets);
  }

  private static Consumer<ProgressEvent> warningsOnly(Consumer<ProgressEvent> progress) {
    return e -> {
      if (e instanceof ProgressEvent.Warning) {
        progress.accept(e);
      }
    };
  }

  private static Optional<Resolved> auto(
      List<String> targets, List<CiProvider> providers, Consumer<ProgressEvent> progress) {
    if (targets.size() != 1) {
      return Optional.empty();
    }
    String target = targets.get(0);
    Optional<CiProvider> accepting = providers.stream().filter(c -> c.accepts(target)).findFirst();
    // A target no provider takes is the analysis's own error, said once by the analysis.
    if (accepting.isEmpty() || accepting.get().id().equals(ProviderId.LOCAL)) {
      return Optional.empty();
    }
    CiProvider p = accepting.get();
    Optional<PassingBuild> green;
    try {
      green = p.lastGreen(target, progress);
    } catch (DestillException.Retriable e) {
      warn(progress, "baseline: could not look for the last green build (" + e.getMessage() + ")");
      return Optional.of(none("the last green build could not be looked up"));
    } catch (DestillException e) {
      // A bad token, a refused host, a build that is not there: fetching the failed build says
      // the same in its own one line, so the baseline only notes it.
      return Optional.of(none("the last green build could not be looked up: " + e.getMessage()));
    }
    if (green.isEmpty()) {
      return Optional.of(
          none("no green build of this pipeline on its branch or the default branch"));
    }
    PassingBuild g = green.get();
    String note =
        "last green build on " + (g.defaultBranch() ? "the default branch " : "") + g.branch();
    try {
      return Optional.of(given(g.url(), note, providers, progress));
    } catch (DestillException e) {
      warn(
          progress,
          "baseline: " + Targets.redact(g.url()) + " could not be read (" + e.getMessage() + ")");
      return Optional.of(none("the last green build could not be read"));
    }
  }

  private static Resolved none(String why) {
    return new Resolved(Optional.empty(), why, job -> Optional.empty());
  }

  private static Resolved given(
      String target, String note, List<CiProvider> providers, Consumer<ProgressEvent> progress) {
    if (target.equals("-")) {
      throw new DestillException.BadInput(
          "--baseline cannot be standard input: give a file, a directory or a build URL");
    }
    CiProvider p = provider(target, providers);
    boolean local = p.id().equals(ProviderId.LOCAL);
    if (local && !Files.exists(Path.of(target))) {
      throw new DestillException.BadInput("--baseline " + target + ": no such file or directory");
    }
    // The baseline's own resolution is not the analysis's: only its warnings are passed on.
    Build build = p.fetchBuild(target, warningsOnly(progress));
    Map<String, BuildJob> jobs = new LinkedHashMap<>();
    for (BuildJob j : build.jobs()) {
      if (j.hasLog()) {
        jobs.put(local ? fileKey(j.info().name()) : j.info().name(), j);
      }
    }
    boolean oneFile = local && !Files.isDirectory(Path.of(target)) && jobs.size() == 1;
    String source = local ? target : Targets.redact(build.url());
    Function<JobInfo, Optional<LineTemplates>> loader =
        job -> {
          Optional<BuildJob> paired =
              oneFile
                  ? jobs.values().stream().findFirst()
                  : JobPairing.pair(local ? fileKey(job.name()) : job.name(), jobs);
          return paired.flatMap(b -> read(p, build, b, job.name() + " is", progress));
        };
    return new Resolved(Optional.of(source), note, loader);
  }

  private static Optional<LineTemplates> read(
      CiProvider p, Build build, BuildJob job, Consumer<ProgressEvent> progress) {
    return read(p, build, job, "the jobs paired with it are", progress);
  }

  /** Reads one baseline log; {@code without} says who goes without it when it cannot be read. */
  private static Optional<LineTemplates> read(
      CiProvider p, Build build, BuildJob job, String without, Consumer<ProgressEvent> progress) {
    LineTemplates t;
    try (InputStream in = p.openLog(build, job)) {
      t = BaselineTemplates.read(in, WORKERS);
    } catch (DestillException | IOException | UncheckedIOException e) {
      warn(
          progress,
          "baseline job "
              + job.info().name()
              + ": its log could not be read ("
              + e.getMessage()
              + "); "
              + without
              + " analyzed without a baseline");
      return Optional.empty();
    }
    if (t.saturated()) {
      warn(
          progress,
          "baseline job "
              + job.info().name()
              + " has more distinct lines than "
              + (LineTemplates.MAX_BYTES >> 20)
              + " MB hold; lines past that count as new");
    }
    return Optional.of(t);
  }

  // Files of a directory pair by name, without a .gz ending.
  private static String fileKey(String path) {
    Path name = Path.of(path).getFileName();
    String n = name == null ? path : name.toString();
    return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
  }

  private static CiProvider provider(String target, List<CiProvider> providers) {
    for (CiProvider p : providers) {
      if (p.accepts(target)) {
        return p;
      }
    }
    throw new DestillException.BadInput(
        "--baseline " + Targets.redact(target) + " is neither a file, a directory nor a build URL");
  }

  private static void warn(Consumer<ProgressEvent> progress, String message) {
    progress.accept(new ProgressEvent.Warning(message));
  }
}
