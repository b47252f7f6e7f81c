package dev.destill.app.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI as a process: {@code destill watch} with its output in a pipe prints each
 * finding as one JSON line while the file grows, and SIGTERM stops it cleanly.
 */
class WatchIT {
  @TempDir Path dir;

  private static void append(Path p, String s) throws Exception {
    Files.writeString(
        p, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void shouldPrintFindingsAsJsonLinesAsTheFileGrowsAndStopOnSigterm() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    Path log = dir.resolve("build.log");
    Path rotated = dir.resolve("build.log.1");
    append(log, "error: an old failure, before the watch\n");
    ProcessBuilder pb =
        new ProcessBuilder(java.toString(), "-jar", jar.toString(), "watch", log.toString())
            .redirectError(dir.resolve("err").toFile());
    pb.environment().put("DESTILL_HOME", dir.resolve("home").toString());
    pb.environment().remove("DESTILL_POSTGRES_URL");
    Process p = pb.start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      // The watch says on stderr when it follows the file; lines written before that are old.
      waitForErr(dir.resolve("err"), "watching");
      append(log, "[INFO] Compiling 3 source files\n");
      append(log, "[ERROR] /src/main/java/App.java:[3,8] cannot find symbol\n");
      append(log, "[INFO] BUILD FAILURE\n");
      JsonNode first = new ObjectMapper().readTree(line(out));
      assertThat(first.get("file").asText()).isEqualTo(log.toString());
      assertThat(first.get("finding").get("message").asText()).contains("cannot find symbol");
      assertThat(first.get("finding").get("rank").asInt()).isEqualTo(1);
      // Rotation: the old file renamed, a new one made under the same name.
      Files.move(log, rotated);
      append(log, "npm ERR! code ELIFECYCLE\n");
      String next;
      do {
        next = line(out);
      } while (!next.contains("ELIFECYCLE"));
      assertThat(new ObjectMapper().readTree(next).get("file").asText()).isEqualTo(log.toString());
      // SIGTERM, as a service manager stops it (Process.destroy would close our end of the pipe).
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor())
          .isZero();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      for (String l : out.lines().toList()) {
        new ObjectMapper().readTree(l); // every line still JSON
      }
    }
    String err = Files.readString(dir.resolve("err"));
    assertThat(p.exitValue()).as(err).isEqualTo(143);
    assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(err).contains("rotated");
  }

  private static String line(BufferedReader out) throws Exception {
    String l = CompletableFuture.supplyAsync(() -> read(out)).get(90, TimeUnit.SECONDS);
    assertThat(l).as("a line before the end of output").isNotNull();
    return l;
  }

  private static String read(BufferedReader out) {
    try {
      return out.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void waitForErr(Path err, String text) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(90))
        .until(() -> Files.exists(err) && Files.readString(err).contains(text));
  }
}
