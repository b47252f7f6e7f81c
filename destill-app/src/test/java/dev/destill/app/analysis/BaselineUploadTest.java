package dev.destill.app.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.DestillException;
import dev.destill.core.engine.LineTemplates;
import dev.destill.core.ingest.BaselineReader;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.CiProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --baseline FILE|DIR}: the submitter reads local logs into template sets, and the
 * ingest agent pairs them with the failed jobs as a local directory pairs.
 */
class BaselineUploadTest {
  private static final List<CiProvider> LOCAL =
      List.of(new LocalFilesProvider(JobState.PASSED, InputStream.nullInputStream()));

  @TempDir Path dir;

  private Map<String, LineTemplates> upload(String target, BaselineChoice.Uploaded[] choice) {
    Map<String, LineTemplates> sets = new LinkedHashMap<>();
    choice[0] = BaselineReader.upload(target, LOCAL, sets::put, e -> {});
    return sets;
  }

  @Test
  void shouldReadEachFileOfADirectoryAndPairThemWithTheFailedJobsByName() throws IOException {
    Path green = Files.createDirectory(dir.resolve("green"));
    Files.writeString(green.resolve("test.log"), "compiling 12 files\ntests ok\n");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(green.resolve("lint.gz")))) {
      out.write("eslint: 0 problems\n".getBytes(StandardCharsets.UTF_8));
    }
    BaselineChoice.Uploaded[] choice = new BaselineChoice.Uploaded[1];

    Map<String, LineTemplates> sets = upload(green.toString(), choice);

    assertThat(sets.keySet()).containsExactlyInAnyOrder("test.log", "lint");
    assertThat(sets.get("test.log").match("compiling 3 files"))
        .isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(choice[0].single()).isFalse();
    assertThat(choice[0].source()).isEqualTo(green.toString());
    assertThat(BaselineReader.uploadedSet(choice[0], JobInfo.of("test.log", JobState.FAILED)))
        .contains("file:test.log");
    assertThat(BaselineReader.uploadedSet(choice[0], JobInfo.of("lint", JobState.FAILED)))
        .contains("file:lint");
    assertThat(BaselineReader.uploadedSet(choice[0], JobInfo.of("deploy", JobState.FAILED)))
        .isEmpty();
    assertThat(BaselineReader.uploadedSet(choice[0], JobInfo.of("lint", JobState.PASSED)))
        .as("only failed jobs are compared")
        .isEmpty();
  }

  @Test
  void shouldPairASingleFileWithEveryFailedJob() throws IOException {
    Path pass = Files.writeString(dir.resolve("pass.log"), "tests ok\n");
    BaselineChoice.Uploaded[] choice = new BaselineChoice.Uploaded[1];

    assertThat(upload(pass.toString(), choice)).containsOnlyKeys("pass.log");
    assertThat(choice[0].single()).isTrue();
    for (String job : List.of(":java: ledger tests", "lint")) {
      assertThat(BaselineReader.uploadedSet(choice[0], JobInfo.of(job, JobState.FAILED)))
          .isEqualTo(Optional.of("file:pass.log"));
    }
  }

  @Test
  void shouldRefuseAPathThatIsNotThere() {
    assertThatThrownBy(
            () ->
                BaselineReader.upload(dir.resolve("nope").toString(), LOCAL, (n, t) -> {}, e -> {}))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageEndingWith("nope: no such file or directory");
  }
}
