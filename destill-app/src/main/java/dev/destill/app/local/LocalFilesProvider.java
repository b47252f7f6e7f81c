package dev.destill.app.local;

import dev.destill.core.DestillException;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.ProviderId;
import dev.destill.core.provider.TestReport;
import dev.destill.core.provider.TestReports;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Local log files as a build: a file is one job, a directory gives one job per file (named by its
 * path), {@code -} is standard input, {@code .gz} files are decompressed as they stream, and {@code
 * *.xml} JUnit reports become test-report jobs. Thread-safe.
 */
public final class LocalFilesProvider implements CiProvider {
  /** Most files taken from one directory. */
  public static final int MAX_FILES = 10_000;

  private static final String REF_PATH = "path";
  private static final String REF_REPORT = "report";
  private static final int MAX_REPORT_BYTES = 64 * 1024 * 1024;

  private final JobState state;
  private final InputStream stdin;

  public LocalFilesProvider(JobState state, InputStream stdin) {
    this.state = state;
    this.stdin = stdin;
  }

  @Override
  public String name() {
    return ProviderId.LOCAL.name();
  }

  @Override
  public boolean accepts(String target) {
    String t = target.toLowerCase(java.util.Locale.ROOT);
    return !(t.startsWith("http://") || t.startsWith("https://"));
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    List<BuildJob> jobs = new ArrayList<>();
    if (target.equals("-")) {
      jobs.add(job("stdin", "-", false));
    } else {
      Path path = Path.of(target);
      if (Files.isDirectory(path)) {
        for (Path file : listFiles(path)) {
          jobs.add(job(file.toString(), file.toString(), isTestReport(file)));
        }
        if (jobs.isEmpty()) {
          throw new DestillException.BadInput("no log files in directory " + target);
        }
      } else if (Files.isRegularFile(path)) {
        jobs.add(job(target, target, isTestReport(path)));
      } else if (Files.exists(path)) {
        throw new DestillException.BadInput(target + " is not a regular file or directory");
      } else {
        throw new DestillException.BadInput("no such file or directory: " + target);
      }
    }
    long failed = jobs.stream().filter(j -> j.info().failed()).count();
    progress.accept(new ProgressEvent.BuildResolved(target, target, jobs.size(), (int) failed));
    return new Build("local:" + target, name(), target, target, state, jobs);
  }

  private BuildJob job(String name, String path, boolean report) {
    JobInfo info = new JobInfo(name, name, state, OptionalInt.empty());
    return new BuildJob(info, !report, report ? Map.of(REF_REPORT, path) : Map.of(REF_PATH, path));
  }

  private static List<Path> listFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> files =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .limit(MAX_FILES + 1L)
              .toList();
      if (files.size() > MAX_FILES) {
        throw new DestillException.BadInput(
            "directory " + dir + " has more than " + MAX_FILES + " files; point at a smaller one");
      }
      return files;
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new DestillException.BadInput("cannot list directory " + dir + ": " + describe(e), e);
    }
  }

  /** A {@code .xml} file whose start looks like a JUnit report. */
  static boolean isTestReport(Path file) {
    if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml")) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      return head.contains("<testsuite") || head.contains("<testcase");
    } catch (IOException e) {
      return false;
    }
  }

  /** The job's log as a plain (not compressed) regular file, for random access. */
  public java.util.Optional<Path> plainFile(BuildJob job) {
    String path = job.refs().get(REF_PATH);
    if (path == null || path.equals("-") || path.endsWith(".gz")) {
      return java.util.Optional.empty();
    }
    Path p = Path.of(path);
    return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    String path = job.refs().get(REF_PATH);
    if (path == null) {
      throw new DestillException.BadInput(job.info().name() + " has no log");
    }
    if (path.equals("-")) {
      // The caller closes what it opens; standard input stays open for the process.
      return new FilterInputStream(stdin) {
        @Override
        public void close() {}
      };
    }
    return openFile(Path.of(path));
  }

  /**
   * Opens a local log for streaming, decompressing it when it is gzipped (told by its first bytes;
   * a name ending in .gz must be gzip).
   *
   * @throws DestillException.BadInput with one line when the file cannot be read
   */
  public static InputStream openFile(Path file) {
    try {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      if (isGzip(file.toString(), in)) {
        return new GZIPInputStream(in, 1 << 16);
      }
      return in;
    } catch (IOException e) {
      throw new DestillException.BadInput("cannot read " + file + ": " + describe(e), e);
    }
  }

  private static boolean isGzip(String path, InputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    boolean magic = b1 == 0x1f && b2 == 0x8b;
    if (path.endsWith(".gz") && !magic) {
      throw new IOException("not in gzip format although its name ends in .gz");
    }
    return magic;
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    String path = job.refs().get(REF_REPORT);
    if (path == null) {
      return TestReports.NONE;
    }
    Path file = Path.of(path);
    try {
      if (Files.size(file) > MAX_REPORT_BYTES) {
        throw new DestillException.BadInput("test report " + path + " is larger than 64 MB");
      }
      return new TestReports(List.of(new TestReport(path, Files.readAllBytes(file))), List.of());
    } catch (IOException e) {
      throw new DestillException.BadInput("cannot read " + path + ": " + describe(e), e);
    }
  }

  static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
