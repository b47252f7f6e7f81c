package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogScannerTest {

  static JobScan scan(String log) {
    return scan(log.getBytes(StandardCharsets.UTF_8), JobState.FAILED, 7);
  }

  static JobScan scan(byte[] log, JobState state, int pieceSize) {
    LogScanner scanner = new LogScanner(JobInfo.of("job", state), ScanOptions.defaults());
    for (int i = 0; i < log.length; i += pieceSize) {
      scanner.accept(log, i, Math.min(pieceSize, log.length - i));
    }
    return scanner.finish();
  }

  static String fixture(String name) {
    try (InputStream in = LogScannerTest.class.getResourceAsStream("/engine/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Finding at(JobScan scan, long line) {
    return scan.findings().stream()
        .filter(f -> f.line() == line)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no finding at line " + line + " in " + scan.findings()));
  }

  @Test
  void shouldCountLinesOnNewlinesOnlyWithCrlfAndLoneCr() {
    JobScan s = scan("ok\r\nprogress 1%\rprogress 100%\r\nstill ok\nerror: boom\r\n");
    assertThat(s.lines()).isEqualTo(4);
    Finding f = at(s, 4);
    assertThat(f.message()).isEqualTo("error: boom");
    assertThat(f.preContext()).containsExactly("ok", "progress 100%", "still ok");
  }

  @Test
  void shouldCountALastLineWithoutNewline() {
    JobScan s = scan("a\nb\nerror: last line");
    assertThat(s.lines()).isEqualTo(3);
    assertThat(at(s, 3).endLine()).isEqualTo(3);
  }

  @Test
  void shouldGroupAJavaStackTraceIntoOneFinding() {
    JobScan s = scan(fixture("java-stack.log"));
    Finding f = at(s, 3);
    assertThat(f.endLine()).isEqualTo(9);
    assertThat(f.block()).hasSize(7);
    assertThat(f.signals()).contains("stack-trace");
    assertThat(s.findings().stream().filter(x -> x.line() > 3 && x.line() <= 9)).isEmpty();
  }

  @Test
  void shouldGroupAPythonTracebackAndHashOnItsException() {
    JobScan s = scan(fixture("python-traceback.log"));
    Finding f = at(s, 2);
    assertThat(f.endLine()).isEqualTo(7);
    assertThat(f.normalized()).contains("ModuleNotFoundError");
  }

  @Test
  void shouldGroupACompilerErrorWithItsCodeExcerpt() {
    JobScan s = scan(fixture("rust-compile.log"));
    Finding f = at(s, 3);
    assertThat(f.endLine()).isGreaterThanOrEqualTo(9);
    assertThat(f.block().get(0)).startsWith("error[E0308]");
  }

  @Test
  void shouldKeepContextWithinLimits() {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      log.append(i == 50 ? "FATAL: disk full" : "line " + i).append('\n');
    }
    Finding f = at(scan(log.toString()), 50);
    assertThat(f.preContext()).hasSize(15).startsWith("line 35").endsWith("line 49");
    assertThat(f.postContext()).hasSize(30).startsWith("line 51").endsWith("line 80");
  }

  @Test
  void shouldClipContextAtTheStartAndEndOfTheJob() {
    Finding f = at(scan("error: first\nnext\n"), 1);
    assertThat(f.preContext()).isEmpty();
    assertThat(f.postContext()).containsExactly("next");
  }

  @Test
  void shouldFoldDuplicatesWithinAJob() {
    JobScan s =
        scan(
            "error: timeout 1 at 10:00:01\nok\nerror: timeout 2 at 10:00:09\nok\nerror: timeout 3 at 11:00:00\n");
    assertThat(s.findings()).hasSize(1);
    assertThat(s.findings().get(0).recurrence()).isEqualTo(3);
    assertThat(s.findings().get(0).line()).isEqualTo(1);
  }

  @Test
  void shouldGiveTheSameResultWhateverTheReadSize() {
    byte[] log = fixture("java-stack.log").getBytes(StandardCharsets.UTF_8);
    assertThat(scan(log, JobState.FAILED, 1).findings())
        .isEqualTo(scan(log, JobState.FAILED, 1 << 16).findings());
  }

  @Test
  void shouldFindEveryWordWhereverItSitsInALineAndInARead() {
    // Words at the start, middle and end of lines, in upper case, after non-ASCII text, and steps:
    // read whole, lines sit inside one read and the gate skips ahead over them; read in small
    // pieces, they straddle reads and are looked at in the ring.
    StringBuilder log = new StringBuilder();
    String[] lines = {
      "##[group]Run make test",
      "plain line without anything",
      "ERROR: at the start",
      "caf\u00e9 \u2713 then a Traceback (most recent call last):",
      "  File \"x.py\", line 3, in <module>",
      "ValueError: bad value",
      "--- compile",
      "\u25cf Suite \u203a handles input",
      "the end holds a FATAL",
      "\u001b[31mred text\u001b[0m",
      "make: *** [all] Error 2",
      "\u2716 2 problems",
      "error"
    };
    for (int i = 0; i < 40; i++) {
      log.append("padding line ").append(i).append(" with ordinary words in it\n");
      log.append(lines[i % lines.length]).append('\n');
    }
    byte[] bytes = log.toString().getBytes(StandardCharsets.UTF_8);
    List<Finding> whole = scan(bytes, JobState.FAILED, bytes.length).findings();
    assertThat(whole).hasSize(8);
    for (int piece : new int[] {1, 3, 7, 61, 4096}) {
      assertThat(scan(bytes, JobState.FAILED, piece).findings())
          .as("reads of %d", piece)
          .isEqualTo(whole);
    }
    for (String name : List.of("java-stack.log", "python-traceback.log", "rust-compile.log")) {
      byte[] f = fixture(name).getBytes(StandardCharsets.UTF_8);
      assertThat(scan(f, JobState.FAILED, 5).findings())
          .as(name)
          .isEqualTo(scan(f, JobState.FAILED, f.length).findings());
    }
  }

  @Test
  void shouldMeasureOnlyStrictIsoTimestampsAsWhatTheRejectedLinesMemoLeavesOut() {
    for (String[] c :
        new String[][] {
          {"2024-05-21T10:00:00.0310464Z Tests run: 1", "29"},
          {"2024-05-21T10:00:00Z x", "21"},
          {"2024-05-21T10:00:00+02:00 x", "26"},
          {"2024-05-21T10:00:00.5Z", "22"},
          {"2024-05-21T10:00:00 no zone", "0"},
          {"2024-05-21T10:00:00.123456789Z x", "31"},
          {"2024-05-21T10:00:00.1234567890Z x", "0"},
          {"2024-05-21X10:00:00Z x", "0"},
          {"2024-05-21T10:00:00Zx", "0"},
          {"2024-05-21T1a:00:00Z x", "0"},
          {"short", "0"}
        }) {
      byte[] b = c[0].getBytes(StandardCharsets.US_ASCII);
      assertThat(LogScanner.isoTimestampLength(b, b.length))
          .as(c[0])
          .isEqualTo(Integer.parseInt(c[1]));
      if (!c[1].equals("0")) {
        // Exactly what the rules strip before they look at the line.
        assertThat(c[0].substring(Integer.parseInt(c[1]))).isEqualTo(LineCleaner.stripPrefix(c[0]));
      }
    }
  }

  @Test
  void shouldLeaveTimestampsOutOfTheMemoOnlyWhenNoWordCanMatchOverTheirDigits() {
    assertThat(LogScanner.timestampBlind(LogScanner.filterWords())).isTrue();
    assertThat(LogScanner.timestampBlind(List.of("error", "z failed", "-- sc"))).isTrue();
    assertThat(LogScanner.timestampBlind(List.of("error", "t10:"))).isFalse();
    assertThat(LogScanner.timestampBlind(List.of("5z "))).isFalse();
    assertThat(LogScanner.timestampBlind(List.of(":30 error"))).isFalse();
  }

  @Test
  void shouldClassifyLinesThatDifferOnlyInTheirTimestampsAlike() {
    // The first is turned down and remembered; the others, with other timestamps, are known
    // repeats. A line that differs after the timestamp is looked at on its own.
    String log =
        "2024-05-21T10:00:00.0000001Z Tests run: 5, Failures: 0, Errors: 0\n"
            + "2024-05-21T10:00:01.0000002Z Tests run: 5, Failures: 0, Errors: 0\n"
            + "2024-05-21T10:00:02.0000003Z Tests run: 5, Failures: 2, Errors: 0\n"
            + "2024-05-21T10:00:03.0000004Z Tests run: 5, Failures: 0, Errors: 0\n";
    JobScan s = scan(log.getBytes(StandardCharsets.UTF_8), JobState.FAILED, log.length());
    assertThat(s.findings()).extracting(Finding::line).containsExactly(3L);
  }

  @Test
  void shouldKeepLineNumbersExactAfterAHugeLine() {
    StringBuilder log = new StringBuilder("start\n");
    log.append("x".repeat(10 * 1024 * 1024)).append(" error at the end of a huge line\n");
    log.append("error: after the huge line\n");
    JobScan s = scan(log.toString().getBytes(StandardCharsets.UTF_8), JobState.FAILED, 1 << 16);
    assertThat(s.lines()).isEqualTo(3);
    Finding f = at(s, 3);
    assertThat(f.message()).isEqualTo("error: after the huge line");
    assertThat(f.preContext().get(1)).endsWith("more bytes]").hasSizeLessThan(2000);
  }

  @Test
  void shouldSurviveBinaryJunk() {
    byte[] junk = new byte[2 * 1024 * 1024];
    new Random(42).nextBytes(junk);
    JobScan s = scan(junk, JobState.FAILED, 4096);
    assertThat(s.bytes()).isEqualTo(junk.length);
    for (Finding f : s.findings()) {
      assertThat(f.message().length()).isLessThan(20_000);
    }
  }

  @Test
  void shouldMaskSecretsInMessagesAndContext() {
    JobScan s =
        scan(
            "curl https://bot:SuperSecret1@example.com/x\nerror: push to https://bot:SuperSecret1@example.com failed\n");
    Finding f = at(s, 2);
    assertThat(f.message()).doesNotContain("SuperSecret1");
    assertThat(f.preContext().get(0)).doesNotContain("SuperSecret1");
  }

  @Test
  void shouldNameTheStepFromGithubGroups() {
    JobScan s =
        scan(
            "2026-01-01T00:00:00.0000000Z ##[group]Run make test\n2026-01-01T00:00:01.0000000Z error: boom\n");
    assertThat(at(s, 2).step()).isEqualTo("Run make test");
  }

  @Test
  void shouldNameTheStepFromTravisMarkersOnTheirOwnOrGluedToTheCommand() {
    JobScan own = scan("travis_time:start:0a1b\r\u001b[0K$ make test\nerror: boom\n");
    assertThat(at(own, 2).step()).isEqualTo("$ make test");
    JobScan glued =
        scan(
            "travis_time:end:0a1b:start=1,finish=2\u001b[0Ktravis_fold:end:setup\u001b[0K"
                + "travis_time:start:9f8e\u001b[0K$ ./run-tests.sh\nerror: boom\n");
    assertThat(at(glued, 2).step()).isEqualTo("$ ./run-tests.sh");
    JobScan fold = scan("travis_fold:start:install\r\u001b[0Kerror: no network\n");
    assertThat(at(fold, 1).step()).isEqualTo("install");
  }

  @Test
  void shouldReportEachFindingOnceAcrossOverlappingChunks() {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      lines.add(
          i % 37 == 0 ? "error: failure in module " + (char) ('a' + i / 37) + "z" : "info " + i);
    }
    JobScan whole = scan(String.join("\n", lines) + "\n");
    // Two chunks: 1..170 and 121..300 (50 lines overlap); the boundary is the overlap's middle.
    List<Finding> chunked = new ArrayList<>();
    chunked.addAll(chunk(lines, 1, 170, 1, 145));
    chunked.addAll(chunk(lines, 121, 300, 146, 300));
    assertThat(chunked)
        .extracting(Finding::line)
        .containsExactlyInAnyOrderElementsOf(whole.findings().stream().map(Finding::line).toList());
  }

  private static List<Finding> chunk(
      List<String> lines, int from, int to, long ownFrom, long ownTo) {
    LogScanner sc =
        new LogScanner(
            JobInfo.of("job", JobState.FAILED), ScanOptions.forChunk(from, ownFrom, ownTo));
    byte[] b =
        (String.join("\n", lines.subList(from - 1, to)) + "\n").getBytes(StandardCharsets.UTF_8);
    sc.accept(b, 0, b.length);
    return sc.finish().findings();
  }

  @Test
  void shouldBoostFailedJobsAndDemotePassedOnes() {
    byte[] log = "error: boom\n".getBytes(StandardCharsets.UTF_8);
    double failed = scan(log, JobState.FAILED, 64).findings().get(0).confidence();
    double passed = scan(log, JobState.PASSED, 64).findings().get(0).confidence();
    assertThat(failed).isGreaterThan(passed);
  }

  @Test
  void shouldKeepTheTailForLogsWithoutErrorWords() {
    JobScan s = scan("step one\nstep two\nthe thing did not work\n\n\n");
    assertThat(s.tail()).containsExactly("step one", "step two", "the thing did not work");
    assertThat(s.tailLine()).isEqualTo(1);
  }

  @Test
  void shouldFindPytestFailureSectionsAsBlocks() {
    JobScan s =
        scan(
            "collected 2 items\n"
                + "=================================== FAILURES ===================================\n"
                + "__________________________________ test_sum __________________________________\n"
                + "\n"
                + "    def test_sum():\n"
                + ">       assert add(1, 1) == 3\n"
                + "=========================== short test summary info ============================\n");
    Finding f = at(s, 3);
    assertThat(f.signals()).contains("pytest-section");
    assertThat(f.endLine()).isEqualTo(6);
  }

  @Test
  void shouldNameStepsOfJenkinsGitlabAzureAndTeamcity() {
    String[][] cases = {
      {"[Pipeline] { (Unit tests)\n", "Unit tests"},
      {"\u001b[0Ksection_start:1700000000:step_script\r\u001b[0K\n", "step_script"},
      {"##[section]Starting: Build solution\n", "Build solution"},
      {"##teamcity[blockOpened name='Compile' flowId='1']\n", "Compile"},
    };
    for (String[] c : cases) {
      JobScan s = scan(c[0] + "some output\nerror: boom\n");
      assertThat(at(s, 3).step()).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void shouldKeepAHeaderWithItsEntriesAcrossABlankLine() {
    JobScan s =
        scan(
            "PHPUnit 9.5\n"
                + "There was 1 failure:\n"
                + "\n"
                + "1) Tests\\CartTest::testTotal\n"
                + "Failed asserting that 3 matches expected 4.\n"
                + "\n"
                + "/app/tests/CartTest.php:12\n"
                + "\n"
                + "\n"
                + "done\n");
    Finding f = at(s, 2);
    assertThat(f.endLine()).isGreaterThanOrEqualTo(5);
    assertThat(f.block()).anyMatch(l -> l.contains("CartTest::testTotal"));
  }

  static String privateKey() {
    try (InputStream in = LogScannerTest.class.getResourceAsStream("/secrets/private-key.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> keyBody() {
    List<String> lines = privateKey().lines().toList();
    return lines.subList(1, lines.size() - 1);
  }

  @Test
  void shouldNeverShowAPrivateKeyBodyInAFindingsContext() {
    String key = privateKey();
    // The key right after a finding (its post-context), and a finding right after the key (its
    // pre-context), and a block that runs into the key.
    JobScan s =
        scan(
            "setup\nerror: ssh key rejected\n"
                + key
                + "ERROR: deploy failed\n"
                + "Traceback (most recent call last):\n"
                + key
                + "done\n");
    assertThat(s.findings()).isNotEmpty();
    for (Finding f : s.findings()) {
      String all = String.join("\n", f.preContext()) + f.block() + f.postContext();
      for (String body : keyBody()) {
        assertThat(all).doesNotContain(body);
      }
    }
    assertThat(at(s, 2).postContext()).contains(Secrets.MASK);
  }

  @Test
  void shouldSeeAnErrorDeepInALongLine() {
    String line = "x".repeat(3000) + " error: deep failure in minified bundle " + "y".repeat(500);
    JobScan s = scan("start\n" + line + "\nend\n");
    Finding f = at(s, 2);
    assertThat(f.message()).contains("error: deep failure");
  }

  // What the pipeline feeds the scanner: the chunker's copy of the log.
  static JobScan scanChunked(String log) {
    java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
    dev.destill.core.ingest.Chunker c =
        new dev.destill.core.ingest.Chunker(1 << 30, copy::write, r -> {});
    byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
    c.accept(bytes, 0, bytes.length);
    c.finish();
    return scan(copy.toByteArray(), JobState.FAILED, 8192);
  }

  @Test
  void shouldCountWhatALongLineLeavesOutPastTheChunkersCap() {
    String line = "ERROR: " + "a".repeat(100_000);
    Finding f = at(scanChunked("start\n" + line + "\nend\n"), 2);
    int shown = f.message().indexOf(" [... ");
    assertThat(f.message()).endsWith(" [... " + (line.length() - shown) + " more bytes]");
  }

  @Test
  void shouldSeeAnErrorPastTheChunkersCap() {
    String line =
        "x".repeat(50_000) + " error: deep failure in minified bundle " + "y".repeat(9000);
    Finding f = at(scanChunked("start\n" + line + "\nend\n"), 2);
    assertThat(f.message()).contains("error: deep failure").endsWith(" more bytes]");
    assertThat(f.message()).doesNotContain("\u001b");
  }

  @Test
  void shouldNotTakeADiffHeaderForBuildkiteSteps() {
    JobScan s =
        scan(
            "--- :test_tube: Unit tests\nFailure:\nFooTest#test_bar [foo_test.rb:3]:\n--- expected\n"
                + "+++ actual\n@@ -1 +1 @@\n-1\n+2\nerror: boom\n");
    assertThat(at(s, 9).step()).isEqualTo(":test_tube: Unit tests");
    JobScan noStep = scan("Failure:\n--- expected\n+++ actual\nerror: boom\n");
    assertThat(at(noStep, 4).step()).isEmpty();
    assertThat(noStep.stepLine()).isEmpty();
  }
}
