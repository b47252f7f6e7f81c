package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input that used to be read wrong or dropped without a word. */
class HostileInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static JsonNode json(CliRunner.Result r) throws IOException {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void shouldRejectAParallelismThatCannotBeHeld() {
    CliRunner.Result r = CliRunner.run("analyze", "--parallel", "100000", "x.log");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--parallel takes 1 to " + AnalyzeCommand.MAX_PARALLEL);
    assertThat(r.err().lines().filter(l -> l.contains("Exception"))).isEmpty();
  }

  @Test
  void shouldRejectANotANumberThreshold() {
    CliRunner.Result r = CliRunner.run("analyze", "--fail-on", "NaN", "x.log");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--fail-on");
  }

  @Test
  void shouldTellAClosedStandardInputByWhatTheJvmOpenedThere() {
    Path home = Path.of("/usr/lib/jvm/jdk-25");
    assertThat(Stdin.closed(Optional.empty(), home)).isTrue();
    assertThat(Stdin.closed(Optional.of(home.resolve("lib/modules")), home)).isTrue();
    assertThat(Stdin.closed(Optional.of(Path.of("pipe:[1234]")), home)).isFalse();
    assertThat(Stdin.closed(Optional.of(Path.of("/dev/null")), home)).isFalse();
    assertThat(Stdin.closed(Optional.of(Path.of("/home/me/build.log")), home)).isFalse();
  }

  @Test
  void shouldDecodeUtf16Logs() throws IOException {
    String log = "step 1\r\nerror: could not resolve dependency com.acme:core\r\ndone\r\n";
    byte[] body = log.getBytes(StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[body.length + 2];
    withBom[0] = (byte) 0xff;
    withBom[1] = (byte) 0xfe;
    System.arraycopy(body, 0, withBom, 2, body.length);
    for (byte[] bytes : new byte[][] {withBom, log.getBytes(StandardCharsets.UTF_16BE)}) {
      Path file = Files.write(tmp.resolve("utf16-" + bytes.length + ".log"), bytes);
      JsonNode first =
          json(CliRunner.run("analyze", "--no-history", "--format", "json", file.toString()))
              .get("findings")
              .get(0);
      assertThat(first.get("message").asText())
          .isEqualTo("error: could not resolve dependency com.acme:core");
      assertThat(first.get("line").asInt()).isEqualTo(2);
    }
  }

  @Test
  void shouldWarnInJsonWhenAReportHasTooManyFailures() throws IOException {
    StringBuilder xml = new StringBuilder("<testsuite>");
    for (int i = 0; i < 2005; i++) {
      xml.append("<testcase classname=\"A\" name=\"t")
          .append(i)
          .append("\"><failure message=\"no\"/></testcase>");
    }
    Path dir = Files.createDirectories(tmp.resolve("reports"));
    Files.writeString(dir.resolve("TEST-a.xml"), xml.append("</testsuite>"));
    JsonNode root =
        json(CliRunner.run("analyze", "--no-history", "--format", "json", dir.toString()));
    assertThat(root.get("warnings").toString()).contains("2005 failures; kept the first 2000");
  }

  @Test
  void shouldKeepAFailureWithAHugeMessageAndWarn() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("huge"));
    Files.writeString(
        dir.resolve("TEST-b.xml"),
        "<testsuite><testcase classname=\"com.acme.BigTest\" name=\"huge\"><failure message=\""
            + "x".repeat(21 << 20)
            + "\"/></testcase></testsuite>");
    CliRunner.Result r =
        CliRunner.run("analyze", "--no-history", "--format", "json", dir.toString());
    JsonNode root = json(r);
    assertThat(root.get("findings").toString()).contains("com.acme.BigTest.huge");
    assertThat(root.get("warnings").toString()).contains("cut there");
    assertThat(r.err()).doesNotContain("deadletter");
  }

  @Test
  void shouldWarnInJsonAboutAFifoInADirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("with-fifo"));
    Files.writeString(dir.resolve("build.log"), "error: broken\n");
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    CliRunner.Result r =
        CliRunner.run("analyze", "--no-history", "--format", "json", dir.toString());
    JsonNode root = json(r);
    assertThat(root.get("warnings").toString()).contains("not a regular file").contains("pipe");
    assertThat(r.err()).contains("not a regular file");
  }
}
