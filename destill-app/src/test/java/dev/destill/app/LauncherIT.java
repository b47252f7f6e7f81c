package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs bin/destill from a copy of bin/ with no jar beside it, so that it builds first, with a
 * stand-in mvn that prints what Maven prints on JDK 25 (colour resets, JVM warnings). Runs after
 * the fat jar is packaged: the stand-in copies it into place.
 */
class LauncherIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path tmp;

  record Run(int exitCode, String out, String err) {}

  Run launch(String fakeMvn) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("copy/bin"));
    for (String f : new String[] {"destill", "find-jdk"}) {
      Files.copy(ROOT.resolve("bin").resolve(f), bin.resolve(f));
    }
    Path fake = Files.createDirectories(tmp.resolve("fake"));
    Path mvn = fake.resolve("mvn");
    Files.writeString(mvn, "#!/usr/bin/env bash\n" + fakeMvn);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        bin.resolve("destill"), PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb =
        new ProcessBuilder("bash", bin.resolve("destill").toString(), "--version")
            .redirectOutput(tmp.resolve("out").toFile())
            .redirectError(tmp.resolve("err").toFile());
    Map<String, String> env = pb.environment();
    env.put("PATH", fake + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("REAL_JAR", ROOT.resolve("destill-app/target/destill.jar").toString());
    env.put("TMPDIR", tmp.toString());
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8));
  }

  static final String NOISE =
      "printf '\\033[0m\\033[0m'; printf '\\033[0m\\033[0m' >&2\n"
          + "echo 'WARNING: sun.misc.Unsafe::objectFieldOffset has been called' >&2\n";

  @Test
  void shouldBuildOnFirstRunWithoutPrintingMavensColourCodes() throws Exception {
    Run run =
        launch(NOISE + "mkdir -p destill-app/target && cp \"$REAL_JAR\" destill-app/target/\n");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("destill ");
    assertThat(run.err())
        .isEqualTo(
            "destill: building "
                + tmp.resolve("copy/destill-app/target/destill.jar")
                + " (first run; takes a minute)...\n")
        .doesNotContain("\u001b");
  }

  @Test
  void shouldShowWhyTheBuildFailedWithoutColourCodes() throws Exception {
    Run run =
        launch(NOISE + "printf '\\033[1;31m[ERROR]\\033[0m cannot resolve lanterna\\n'\nexit 1\n");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("[ERROR] cannot resolve lanterna")
        .contains("destill: the build failed")
        .doesNotContain("\u001b")
        .doesNotContain("sun.misc.Unsafe");
  }
}
