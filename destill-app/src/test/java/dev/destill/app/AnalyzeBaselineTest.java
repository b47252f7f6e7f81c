package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze --baseline}: a passing log, a gzipped one, a directory of them. */
class AnalyzeBaselineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String PASS =
      "compiling module a\n"
          + "[WARNING] deprecated API used in /tmp/build-123/A.java\n"
          + "ERROR: flaky cache miss for key 4821\n"
          + "tests run: 120, failures: 0\n"
          + "BUILD SUCCESS\n";
  private static final String FAIL =
      "compiling module a\n"
          + "[WARNING] deprecated API used in /tmp/build-456/A.java\n"
          + "ERROR: flaky cache miss for key 9921\n"
          + "[ERROR] /src/B.java:[3,5] cannot find symbol\n"
          + "tests run: 120, failures: 0\n"
          + "BUILD FAILURE\n";
  private static final String LINT_PASS = "setup ok\nnpm ERR! flaky registry timeout\nall good\n";
  private static final String LINT_FAIL =
      "setup ok\nnpm ERR! flaky registry timeout\neslint: 3 problems\nnpm ERR! code ELIFECYCLE\n";

  @TempDir Path tmp;
  private Path pass;
  private Path fail;

  @BeforeEach
  void logs() throws IOException {
    pass = Files.writeString(tmp.resolve("pass.log"), PASS);
    fail = Files.writeString(tmp.resolve("fail.log"), FAIL);
  }

  private static JsonNode json(String... args) throws IOException {
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  private static JsonNode finding(JsonNode root, String text) {
    for (JsonNode f : root.get("findings")) {
      if (f.get("message").asText().contains(text)) {
        return f;
      }
    }
    throw new AssertionError("no finding with " + text + " in " + root.get("findings"));
  }

  @Test
  void shouldShowTheSameBaselineWhenTheAnalysisIsViewedFromTheHistory() throws IOException {
    JsonNode ran = json("analyze", "--format", "json", "--baseline", pass.toString(), "" + fail);
    String id = ran.get("request_id").asText();

    JsonNode viewed = json("view", id, "--format", "json");

    assertThat(viewed.get("baseline")).isEqualTo(ran.get("baseline"));
    assertThat(viewed.get("baseline").get("lines_known").asInt()).isPositive();
    List<String> novelty = new ArrayList<>();
    viewed.get("findings").forEach(f -> novelty.add(f.get("hash").asText() + f.get("novelty")));
    List<String> before = new ArrayList<>();
    ran.get("findings").forEach(f -> before.add(f.get("hash").asText() + f.get("novelty")));
    assertThat(novelty).isEqualTo(before);
  }

  @Test
  void shouldSayWhichFileWasTheBaselineAndMarkEachFindingNewOrKnown() throws IOException {
    JsonNode root =
        json(
            "analyze",
            "--no-history",
            "--format",
            "json",
            "--baseline",
            pass.toString(),
            "" + fail);
    JsonNode b = root.get("baseline");
    assertThat(b.get("source").asText()).isEqualTo(pass.toString());
    assertThat(b.get("found").asBoolean()).isTrue();
    assertThat(b.get("jobs").asInt()).isEqualTo(1);
    // Five of the six lines differ from the passing log's only in numbers and paths, or not at all.
    assertThat(b.get("lines_known").asLong()).isEqualTo(4);
    assertThat(b.get("lines_new").asLong()).isEqualTo(2);
    assertThat(finding(root, "cannot find symbol").get("novelty").asText()).isEqualTo("new");
    assertThat(finding(root, "flaky cache miss").get("novelty").asText()).isEqualTo("known");
    for (JsonNode f : root.get("findings")) {
      assertThat(f.get("novelty").asText()).isIn("new", "known", "unknown");
    }
    assertThat(root.get("findings").get(0).get("message").asText()).contains("cannot find symbol");
  }

  @Test
  void shouldDemoteAFindingTheBaselineShowsButNotHideIt() throws IOException {
    JsonNode without = json("analyze", "--no-history", "--format", "json", fail.toString());
    JsonNode with =
        json("analyze", "--no-history", "--format", "json", "--baseline", "" + pass, "" + fail);
    assertThat(without.has("baseline")).isFalse();
    assertThat(finding(without, "flaky cache miss").get("novelty").asText()).isEqualTo("unknown");
    double before = finding(without, "flaky cache miss").get("confidence").asDouble();
    double after = finding(with, "flaky cache miss").get("confidence").asDouble();
    assertThat(after).isLessThan(before);
    assertThat(with.get("findings").size()).isEqualTo(without.get("findings").size());
    assertThat(finding(with, "flaky cache miss").get("rank").asInt())
        .isGreaterThan(finding(with, "cannot find symbol").get("rank").asInt());
  }

  @Test
  void shouldReadAGzippedBaselineLikeAPlainOne() throws IOException {
    Path gz = tmp.resolve("pass.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(PASS.getBytes(StandardCharsets.UTF_8));
    }
    JsonNode plain =
        json("analyze", "--no-history", "--format", "json", "--baseline", "" + pass, "" + fail);
    JsonNode zipped =
        json("analyze", "--no-history", "--format", "json", "--baseline", "" + gz, "" + fail);
    assertThat(zipped.get("baseline").get("source").asText()).isEqualTo(gz.toString());
    assertThat(zipped.get("baseline").get("lines_known"))
        .isEqualTo(plain.get("baseline").get("lines_known"));
    assertThat(novelties(zipped)).isEqualTo(novelties(plain));
  }

  private static List<String> novelties(JsonNode root) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : root.get("findings")) {
      out.add(f.get("line").asLong() + ":" + f.get("novelty").asText());
    }
    return out;
  }

  @Test
  void shouldPairADirectorysLogsWithTheTargetsByNameAndPrintOneObjectPerTarget()
      throws IOException {
    Path passDir = Files.createDirectories(tmp.resolve("green"));
    Path failDir = Files.createDirectories(tmp.resolve("red"));
    Files.writeString(passDir.resolve("build.log"), PASS);
    Files.writeString(passDir.resolve("lint.log"), LINT_PASS);
    Path build = Files.writeString(failDir.resolve("build.log"), FAIL);
    Path lint = Files.writeString(failDir.resolve("lint.log"), LINT_FAIL);
    CliRunner.Result r =
        CliRunner.run(
            "analyze",
            "--no-history",
            "--format",
            "jsonl",
            "--baseline",
            passDir.toString(),
            build.toString(),
            lint.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = JSON.readTree(lines[0]);
    JsonNode second = JSON.readTree(lines[1]);
    assertThat(first.get("input").asText()).isEqualTo(build.toString());
    assertThat(second.get("input").asText()).isEqualTo(lint.toString());
    assertThat(r.out()).doesNotContain("\"input\":\"" + passDir);
    // Each target was compared with its namesake: lint's flaky registry line is known only to
    // the baseline's lint.log, build's cache miss only to its build.log.
    assertThat(finding(first, "flaky cache miss").get("novelty").asText()).isEqualTo("known");
    assertThat(finding(first, "cannot find symbol").get("novelty").asText()).isEqualTo("new");
    assertThat(finding(second, "flaky registry timeout").get("novelty").asText())
        .isEqualTo("known");
    assertThat(finding(second, "ELIFECYCLE").get("novelty").asText()).isEqualTo("new");
    assertThat(first.get("baseline").get("source").asText()).isEqualTo(passDir.toString());
  }

  @Test
  void shouldCompareATargetWithoutANamesakeInTheDirectoryWithNothing() throws IOException {
    Path passDir = Files.createDirectories(tmp.resolve("green"));
    Files.writeString(passDir.resolve("other.log"), PASS);
    JsonNode root =
        json("analyze", "--no-history", "--format", "json", "--baseline", "" + passDir, "" + fail);
    assertThat(root.get("baseline").get("jobs").asInt()).isZero();
    assertThat(finding(root, "flaky cache miss").get("novelty").asText()).isEqualTo("unknown");
  }

  @Test
  void shouldMarkNewFindingsInTextAndMarkdown() {
    CliRunner.Result text =
        CliRunner.run("analyze", "--no-history", "--baseline", "" + pass, "" + fail);
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("baseline: " + pass + ", 4 lines known, 2 new");
    assertThat(lineWith(text.out(), "fail.log:4")).contains("NEW since baseline");
    assertThat(lineWith(text.out(), "fail.log:3")).contains("in baseline too");
    CliRunner.Result md =
        CliRunner.run(
            "analyze", "--no-history", "--format", "markdown", "--baseline", "" + pass, "" + fail);
    assertThat(md.exitCode()).as(md.err()).isZero();
    assertThat(md.out()).contains("**new since baseline**").contains("in baseline too");
    assertThat(md.out()).contains("4 lines known, 2 new");
  }

  private static String lineWith(String out, String text) {
    return out.lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
  }

  @Test
  void shouldNotMarkAnythingWithoutABaseline() {
    CliRunner.Result r = CliRunner.run("analyze", "--no-history", "--no-baseline", "" + fail);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("baseline");
  }

  @Test
  void shouldRefuseABaselineThatIsMissingOrBothOptions() {
    CliRunner.Result missing =
        CliRunner.run("analyze", "--no-history", "--baseline", tmp + "/nope.log", "" + fail);
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err().strip().lines()).hasSize(1);
    assertThat(missing.err())
        .contains("--baseline")
        .contains("nope.log")
        .doesNotContain("Exception");
    CliRunner.Result both =
        CliRunner.run(
            "analyze", "--no-history", "--no-baseline", "--baseline", "" + pass, "" + fail);
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--baseline and --no-baseline exclude each other");
    CliRunner.Result stdin = CliRunner.run("analyze", "--no-history", "--baseline", "-", "" + fail);
    assertThat(stdin.exitCode()).isNotZero();
    assertThat(stdin.err()).contains("--baseline cannot be standard input");
  }
}
