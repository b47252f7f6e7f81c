package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.cli.ExitCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path tmp;

  private static String example(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  @Test
  void shouldPrintTheContractAsJson() throws IOException {
    String log = example("github-maven-compile-error.log");
    CliRunner.Result r = CliRunner.run("analyze", "--format", "json", log);
    assertThat(r.exitCode()).isZero();
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("input").asText()).isEqualTo(log);
    assertThat(root.get("jobs").get(0).get("name").asText()).isEqualTo(log);
    assertThat(root.get("jobs").get(0).get("state").asText()).isEqualTo("failed");
    assertThat(root.get("jobs").get(0).get("lines").asLong()).isEqualTo(64);
    JsonNode first = root.get("findings").get(0);
    for (String field :
        new String[] {
          "rank",
          "id",
          "hash",
          "severity",
          "confidence",
          "tier",
          "job",
          "line",
          "end_line",
          "message",
          "normalized",
          "pre_context",
          "post_context",
          "recurrence",
          "source"
        }) {
      assertThat(first.has(field)).as(field).isTrue();
    }
    assertThat(first.get("rank").asInt()).isEqualTo(1);
    assertThat(first.get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(first.get("source").asText()).isEqualTo("log");
    assertThat(first.get("message").asText())
        .contains("cannot find symbol")
        .doesNotContain("\u001b");
    assertThat(first.get("line").asLong()).isEqualTo(43);
    // The message is the raw line (ANSI removed) at that line number.
    String raw = Files.readAllLines(Path.of(log)).get(42);
    assertThat(first.get("message").asText()).isEqualTo(raw);
  }

  @Test
  void shouldStreamOneObjectPerInputAsJsonl() throws IOException {
    CliRunner.Result r =
        CliRunner.run(
            "analyze",
            "--format",
            "jsonl",
            example("travis-pytest-failure.log"),
            example("buildkite-go-panic.log"));
    assertThat(r.exitCode()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines[0]).get("input").asText()).endsWith("travis-pytest-failure.log");
    assertThat(JSON.readTree(lines[1]).get("input").asText()).endsWith("buildkite-go-panic.log");
  }

  @Test
  void shouldPutTheCauseFirstInTheBundledExamples() throws IOException {
    assertThat(topMessage("travis-pytest-failure.log"))
        .containsAnyOf("test_total_includes_shipping", "AssertionError");
    assertThat(topMessage("buildkite-go-panic.log"))
        .containsAnyOf("TestPostTransfer", "nil pointer");
  }

  private String topMessage(String name) throws IOException {
    CliRunner.Result r = CliRunner.run("analyze", "--format", "json", example(name));
    return JSON.readTree(r.out()).get("findings").get(0).get("message").asText();
  }

  @Test
  void shouldReadJunitReportsInDirectories() throws IOException {
    CliRunner.Result r = CliRunner.run("analyze", "--format", "json", example("junit-build"));
    JsonNode first = JSON.readTree(r.out()).get("findings").get(0);
    assertThat(first.get("source").asText()).isEqualTo("junit");
    assertThat(first.get("confidence").asDouble()).isEqualTo(1.0);
    assertThat(first.get("test").asText()).isEqualTo("removesLastItem()");
    assertThat(first.get("class").asText()).isEqualTo("com.acme.shop.CartTest");
    assertThat(first.has("file")).isTrue();
  }

  @Test
  void shouldWriteMarkdownWithATableAndCodeBlocks() {
    CliRunner.Result r =
        CliRunner.run(
            "analyze", "--format", "markdown", "--top", "3", example("buildkite-go-panic.log"));
    assertThat(r.out())
        .contains("| # | Confidence | Tier | Job | Lines | Message |")
        .contains("```text");
    assertThat(r.out().lines().filter(l -> l.matches("\\| \\d+ \\|.*"))).hasSize(3);
  }

  @Test
  void shouldPrintReadableText() {
    CliRunner.Result r = CliRunner.run("analyze", example("buildkite-go-panic.log"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("#1  tier 1").contains("TestPostTransfer");
  }

  @Test
  void shouldReadStandardInput() throws IOException {
    CliRunner.Result r =
        CliRunner.runWithStdin(
            "ok\nFATAL: schema migration failed\n".getBytes(StandardCharsets.UTF_8),
            "analyze",
            "--format",
            "json",
            "-");
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("jobs").get(0).get("name").asText()).isEqualTo("stdin");
    assertThat(root.get("findings").get(0).get("line").asInt()).isEqualTo(2);
  }

  @Test
  void shouldReadGzippedLogs() throws IOException {
    Path gz = tmp.resolve("job.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(
          "line\nerror: linker failed: undefined reference to `main'\n"
              .getBytes(StandardCharsets.UTF_8));
    }
    CliRunner.Result r = CliRunner.run("analyze", "--format", "json", gz.toString());
    assertThat(JSON.readTree(r.out()).get("findings").get(0).get("line").asInt()).isEqualTo(2);
  }

  @Test
  void shouldFailWithOneLineAndExitThreeForMissingFiles() {
    CliRunner.Result r = CliRunner.run("analyze", tmp.resolve("nope.log").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("no such file or directory").doesNotContain("Exception");
  }

  @Test
  void shouldRejectACorruptGzipWithOneLine() throws IOException {
    Path gz = tmp.resolve("bad.log.gz");
    Files.write(gz, new byte[] {1, 2, 3, 4});
    CliRunner.Result r = CliRunner.run("analyze", gz.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err()).contains("gzip").doesNotContain("\tat ");
  }

  @Test
  void shouldAnalyzeBinaryJunkWithoutCrashing() throws IOException {
    Path junk = tmp.resolve("junk.bin");
    byte[] bytes = new byte[512 * 1024];
    new Random(7).nextBytes(bytes);
    Files.write(junk, bytes);
    CliRunner.Result r = CliRunner.run("analyze", "--format", "json", junk.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(JSON.readTree(r.out()).get("jobs").get(0).get("bytes").asLong())
        .isEqualTo(bytes.length);
  }

  @Test
  void shouldExitTwoOnUsageErrors() {
    assertThat(CliRunner.run("analyze").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliRunner.run("analyze", "--format", "yaml", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(CliRunner.run("analyze", "--top", "0", "x").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliRunner.run("analyze", "--job-state", "green", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(CliRunner.run("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void shouldExitFourWhenFailOnThresholdIsReached() {
    assertThat(
            CliRunner.run("analyze", "--fail-on", "0.8", example("buildkite-go-panic.log"))
                .exitCode())
        .isEqualTo(ExitCodes.FAILURE_FOUND);
    CliRunner.Result passing =
        CliRunner.runWithStdin(
            "all good\n".getBytes(StandardCharsets.UTF_8),
            "analyze",
            "--fail-on",
            "0.8",
            "--job-state",
            "passed",
            "-");
    assertThat(passing.exitCode()).isZero();
  }

  @Test
  void shouldLimitFindingsWithTop() throws IOException {
    CliRunner.Result r =
        CliRunner.run(
            "analyze", "--format", "json", "--top", "2", example("github-maven-compile-error.log"));
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("findings")).hasSize(2);
    assertThat(root.get("total_findings").asInt()).isGreaterThan(2);
  }

  @Test
  void shouldTreatEachFileOfADirectoryAsAJob() throws IOException {
    Files.writeString(tmp.resolve("a.log"), "error: alpha broke\n");
    Files.writeString(tmp.resolve("b.log"), "error: beta broke\n");
    JsonNode root =
        JSON.readTree(CliRunner.run("analyze", "--format", "json", tmp.toString()).out());
    assertThat(root.get("jobs")).hasSize(2);
  }

  @Test
  void shouldOfferHelpAndVersion() {
    assertThat(CliRunner.run("--help").out()).contains("analyze");
    assertThat(CliRunner.run("--version").out()).startsWith("destill ");
    assertThat(CliRunner.run("analyze", "--help").out()).contains("--format").contains("--fail-on");
  }
}
