package dev.destill.server.analysis;

import dev.destill.core.model.JobState;
import java.nio.file.Path;
import java.util.Objects;

/** What a client asked the server to analyze. */
public sealed interface Submission {
  Labels labels();

  /** A build URL of a CI provider, from the API or a webhook. */
  record BuildUrl(String url, Labels labels) implements Submission {
    public BuildUrl {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(labels, "labels");
    }
  }

  /**
   * A log uploaded to the server, spooled to {@code file} (plain text, already decompressed). The
   * analysis owns the file from then on and deletes it when done.
   */
  record UploadedLog(Path file, String job, JobState state, long bytes) implements Submission {
    public UploadedLog {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(state, "state");
    }

    @Override
    public Labels labels() {
      return new Labels("upload", "", "");
    }
  }
}
