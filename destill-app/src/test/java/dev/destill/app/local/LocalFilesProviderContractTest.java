package dev.destill.app.local;

import dev.destill.core.model.JobState;
import dev.destill.core.provider.CiProviderContractTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local files: a directory is a build, each file a job; a JUnit report is a file of its own. Job
 * states come from the command line ({@code --job-state}), so there is no passed job beside the
 * failed one, and every file has a log.
 */
class LocalFilesProviderContractTest extends CiProviderContractTest {
  @TempDir Path dir;

  @Override
  protected Staged stage() throws Exception {
    Path build = Files.createDirectories(dir.resolve("build"));
    Files.writeString(build.resolve("build.log"), FAILED_LOG);
    Files.writeString(build.resolve("TEST-CartTest.xml"), JUNIT);
    return new Staged(
        new LocalFilesProvider(JobState.FAILED, InputStream.nullInputStream()),
        build.toString(),
        build.resolve("build.log").toString(),
        Optional.empty(),
        Optional.empty(),
        dir.resolve("missing").toString(),
        "https://github.com/acme/shop/actions/runs/1");
  }
}
