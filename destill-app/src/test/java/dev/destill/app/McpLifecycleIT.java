package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code destill mcp} as a real subprocess (the packaged jar) and checks how it lives and
 * ends: it exits when its client closes stdin, removes its spool directory, and answers a line that
 * is not JSON-RPC with an error instead of going deaf.
 */
class McpLifecycleIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String INITIALIZE =
      """
      {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05",\
      "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""";

  @TempDir Path tmp;

  Process start() throws IOException {
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    Files.createDirectories(tmp.resolve("home"));
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // The spool directory goes here, where the test can see whether it is left behind.
            "-Djava.io.tmpdir=" + tmp,
            "-jar",
            jar.toString(),
            "mcp");
    pb.environment().put("DESTILL_HOME", tmp.resolve("home").toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    return pb.start();
  }

  private static void send(Process p, String line) throws IOException {
    OutputStream in = p.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private static final java.time.Duration ANSWER = java.time.Duration.ofSeconds(60);

  private static JsonNode answer(Process p, BufferedReader out, String line) throws IOException {
    send(p, line);
    return JSON.readTree(out.readLine());
  }

  private static boolean exits(Process p) throws InterruptedException {
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    return exited;
  }

  private long spools() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(f -> f.getFileName().toString().startsWith("destill-mcp-")).count();
    }
  }

  @Test
  void shouldExitWhenStdinEndsBeforeInitialize() throws Exception {
    Process p = start();
    p.getOutputStream().close();

    assertThat(exits(p)).as("exited on EOF").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(spools()).as("spool directories left").isZero();
  }

  @Test
  void shouldAnswerAGarbageLineAndKeepServingThenExitOnEof() throws Exception {
    Process p = start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));

    // A server that stops answering fails the test instead of hanging it.
    JsonNode parseError =
        assertTimeoutPreemptively(ANSWER, () -> answer(p, out, "this is not json {"));
    JsonNode invalid = assertTimeoutPreemptively(ANSWER, () -> answer(p, out, "[1,2]"));
    JsonNode initialized = assertTimeoutPreemptively(ANSWER, () -> answer(p, out, INITIALIZE));
    assertThat(spools()).as("the spool while serving").isEqualTo(1);
    p.getOutputStream().close();

    assertThat(parseError.path("error").path("code").asInt()).isEqualTo(-32700);
    assertThat(parseError.has("id")).isTrue();
    assertThat(parseError.get("id").isNull()).isTrue();
    assertThat(invalid.path("error").path("code").asInt()).isEqualTo(-32600);
    assertThat(initialized.path("id").asInt()).isEqualTo(1);
    assertThat(initialized.path("result").path("serverInfo").path("name").asText())
        .isEqualTo("destill");
    assertThat(exits(p)).as("exited on EOF after initialize").isTrue();
    assertThat(spools()).as("spool directories left").isZero();
  }
}
