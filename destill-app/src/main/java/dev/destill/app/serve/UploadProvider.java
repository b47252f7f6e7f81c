package dev.destill.app.serve;

import dev.destill.core.DestillException;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.TestReports;
import dev.destill.server.analysis.Submission;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Logs uploaded to the server as one-job builds: target {@code upload:REQUEST_ID} names a log
 * spooled to a file, with the job name and state the client gave. Nothing else on the host can be
 * read through it. Thread-safe.
 */
final class UploadProvider implements CiProvider {
  static final String SCHEME = "upload:";
  private static final String REF_FILE = "file";

  private final Map<String, Submission.UploadedLog> uploads = new ConcurrentHashMap<>();

  /** The target under which {@code log} is analyzed as request {@code requestId}. */
  String add(String requestId, Submission.UploadedLog log) {
    String target = SCHEME + requestId;
    uploads.put(target, log);
    return target;
  }

  /** Deletes the spooled log of {@code target}. */
  void remove(String target) {
    Submission.UploadedLog log = uploads.remove(target);
    if (log != null) {
      try {
        Files.deleteIfExists(log.file());
      } catch (IOException e) {
        // A leftover temporary file is harmless.
      }
    }
  }

  @Override
  public String name() {
    return "upload";
  }

  @Override
  public boolean accepts(String target) {
    return target.startsWith(SCHEME);
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    Submission.UploadedLog log = uploads.get(target);
    if (log == null) {
      throw new DestillException.BadInput("the uploaded log of " + target + " is gone");
    }
    JobInfo info = new JobInfo(log.job(), log.job(), log.state(), OptionalInt.empty());
    progress.accept(new ProgressEvent.BuildResolved(target, log.job(), 1, info.failed() ? 1 : 0));
    return new Build(
        target,
        name(),
        target,
        log.job(),
        log.state(),
        List.of(new BuildJob(info, true, Map.of(REF_FILE, log.file().toString()))));
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    Submission.UploadedLog log = uploads.get(build.url());
    if (log == null) {
      throw new DestillException.BadInput("the uploaded log of " + build.url() + " is gone");
    }
    try {
      return new BufferedInputStream(Files.newInputStream(log.file()), 1 << 16);
    } catch (IOException e) {
      throw new DestillException.BadInput("cannot read the uploaded log: " + e.getMessage(), e);
    }
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    return TestReports.NONE;
  }
}
