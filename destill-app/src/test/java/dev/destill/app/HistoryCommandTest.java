package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void shouldRememberAnalysesAndTellWhenAFailureWasSeenBefore() throws Exception {
    String error =
        "FATAL: database migration 0042_add_index failed: relation \"orders\" is locked\n";
    Path first = tmp.resolve("build-1.log");
    Path second = tmp.resolve("build-2.log");
    Files.writeString(first, "setup\n" + error);
    Files.writeString(second, "setup\nmore setup\n" + error);
    JsonNode one =
        JSON.readTree(CliRunner.run("analyze", "--format", "json", first.toString()).out());
    assertThat(one.get("findings").get(0).get("history").get("builds_seen").asInt()).isZero();
    JsonNode two =
        JSON.readTree(CliRunner.run("analyze", "--format", "json", second.toString()).out());
    JsonNode history = two.get("findings").get(0).get("history");
    assertThat(history.get("builds_seen").asInt()).isEqualTo(1);
    assertThat(history.get("builds_known").asInt()).isGreaterThanOrEqualTo(1);

    String requestId = two.get("request_id").asText();
    CliRunner.Result list = CliRunner.run("history", "--limit", "50");
    assertThat(list.out()).contains(requestId).contains(second.toString());
    JsonNode listed = JSON.readTree(CliRunner.run("history", "--format", "json").out());
    assertThat(listed.get(0).get("request_id").asText()).isEqualTo(requestId);

    JsonNode viewed = JSON.readTree(CliRunner.run("view", "--format", "json", requestId).out());
    assertThat(viewed.get("request_id").asText()).isEqualTo(requestId);
    assertThat(viewed.get("findings").get(0).get("message").asText())
        .contains("database migration");
    assertThat(CliRunner.run("view", requestId).out()).contains("seen in 1 of");
  }

  @Test
  void shouldSayWhenARequestIsUnknown() {
    CliRunner.Result r = CliRunner.run("view", "req-does-not-exist");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err()).contains("destill history");
  }

  @Test
  void shouldSkipTheHistoryWhenAsked() throws Exception {
    Path log = tmp.resolve("x.log");
    Files.writeString(log, "error: boom\n");
    // A home of this test's own: what the shared one holds says nothing about this run.
    Path home = tmp.resolve("home");
    java.util.Map<String, String> env = java.util.Map.of("DESTILL_HOME", home.toString());
    JsonNode r =
        JSON.readTree(
            CliRunner.runWithEnv(env, "analyze", "--no-history", "--format", "json", log.toString())
                .out());
    assertThat(r.get("findings").get(0).has("history")).isFalse();
    JsonNode listed = JSON.readTree(CliRunner.runWithEnv(env, "history", "--format", "json").out());
    assertThat(listed).as("nothing written to the history").isEmpty();
    // The same analysis without the flag is written there: the check above can see a write.
    CliRunner.runWithEnv(env, "analyze", "--format", "json", log.toString());
    assertThat(JSON.readTree(CliRunner.runWithEnv(env, "history", "--format", "json").out()))
        .hasSize(1);
  }

  static JsonNode analyze(String... args) throws Exception {
    String[] all = new String[args.length + 3];
    all[0] = "analyze";
    all[1] = "--format";
    all[2] = "json";
    System.arraycopy(args, 0, all, 3, args.length);
    return JSON.readTree(CliRunner.run(all).out());
  }

  static JsonNode historyOf(JsonNode report, String messagePart) {
    for (JsonNode f : report.get("findings")) {
      if (f.get("message").asText().contains(messagePart)) {
        return f.path("history");
      }
    }
    throw new AssertionError("no finding with " + messagePart + " in " + report);
  }

  @Test
  void shouldCountBuildsOfTheSameProjectOnly() throws Exception {
    String error = "FATAL: could not lock /var/cache/" + tmp.getFileName() + "\n";
    Path shop = Files.createDirectories(tmp.resolve("shop"));
    Path ledger = Files.createDirectories(tmp.resolve("ledger"));
    Files.writeString(ledger.resolve("1.log"), "x\n" + error);
    Files.writeString(shop.resolve("1.log"), "y\n" + error);
    Files.writeString(shop.resolve("2.log"), "z\n" + error);
    analyze(ledger.resolve("1.log").toString());
    analyze(shop.resolve("1.log").toString());
    // Another folder's build does not count; the same folder's does.
    JsonNode h = historyOf(analyze(shop.resolve("2.log").toString()), "could not lock");
    assertThat(h.get("builds_seen").asInt()).isEqualTo(1);
    assertThat(h.get("builds_known").asInt()).isEqualTo(1);
    // --project puts builds of any folder together.
    analyze("--project", "mine", ledger.resolve("1.log").toString());
    JsonNode mine =
        historyOf(analyze("--project", "mine", shop.resolve("2.log").toString()), "could not lock");
    assertThat(mine.get("builds_known").asInt()).isEqualTo(1);
    assertThat(mine.get("builds_seen").asInt()).isEqualTo(1);
  }

  @Test
  void shouldTreatARelativeAndAnAbsolutePathAsOneBuild() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "history-" + tmp.getFileName()));
    Path log = dir.resolve("build.log");
    Files.writeString(log, "FATAL: relative and absolute " + tmp.getFileName() + "\n");
    analyze(log.toString());
    JsonNode again = analyze(log.toAbsolutePath().toString());
    assertThat(again.get("build_id").asText()).isEqualTo("local:" + log.toRealPath());
    // The earlier analysis was of this very build: it is no other build to count.
    assertThat(historyOf(again, "relative and absolute").get("builds_known").asInt()).isZero();
  }

  @Test
  void shouldGiveStandardInputABuildOfItsOwnEachTime() throws Exception {
    byte[] log = ("FATAL: piped " + tmp.getFileName() + "\n").getBytes();
    JsonNode first =
        JSON.readTree(CliRunner.runWithStdin(log, "analyze", "--format", "json", "-").out());
    JsonNode second =
        JSON.readTree(CliRunner.runWithStdin(log, "analyze", "--format", "json", "-").out());
    assertThat(first.get("build_id").asText()).startsWith("local:stdin/");
    assertThat(second.get("build_id").asText()).isNotEqualTo(first.get("build_id").asText());
    assertThat(historyOf(second, "piped").get("builds_seen").asInt()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldFreezeCountsAtAnalysisTimeAndGiveBoilerplateNone() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("frozen"));
    String log = "FATAL: frozen " + tmp.getFileName() + "\nBUILD FAILURE\n";
    Files.writeString(dir.resolve("1.log"), "a\n" + log);
    Files.writeString(dir.resolve("2.log"), "b\n" + log);
    JsonNode first = analyze(dir.resolve("1.log").toString());
    assertThat(historyOf(first, "frozen").get("builds_seen").asInt()).isZero();
    assertThat(historyOf(first, "BUILD FAILURE").isMissingNode()).isTrue();
    analyze(dir.resolve("2.log").toString());
    // Viewed later, the first analysis still says what it said then.
    String id = first.get("request_id").asText();
    JsonNode viewed = JSON.readTree(CliRunner.run("view", "--format", "json", id).out());
    assertThat(historyOf(viewed, "frozen").get("builds_seen").asInt()).isZero();
    assertThat(historyOf(viewed, "frozen").get("builds_known").asInt())
        .isEqualTo(historyOf(first, "frozen").get("builds_known").asInt());
    String text = CliRunner.run("view", id).out();
    assertThat(text).contains("new");
  }

  @Test
  void shouldListAsManyFindingsAsTheAnalysisShowed() throws Exception {
    Path log = Path.of("..", "examples", "github-maven-compile-error.log");
    JsonNode report = analyze(log.toString());
    String id = report.get("request_id").asText();
    JsonNode listed =
        JSON.readTree(CliRunner.run("history", "--limit", "200", "--format", "json").out());
    JsonNode entry = null;
    for (JsonNode r : listed) {
      if (r.get("request_id").asText().equals(id)) {
        entry = r;
      }
    }
    assertThat(entry).isNotNull();
    assertThat(entry.get("findings").asInt()).isEqualTo(report.get("total_findings").asInt());
    JsonNode viewed = JSON.readTree(CliRunner.run("view", "--format", "json", id).out());
    assertThat(viewed.get("total_findings").asInt())
        .isEqualTo(report.get("total_findings").asInt());
  }

  /** Makes {@code paths} impossible to write, even for root (chattr +i); false if it cannot. */
  static boolean freeze(boolean on, Path... paths) throws Exception {
    if (!on) {
      run("chattr", "-i", paths);
    }
    for (Path p : paths) {
      Files.setPosixFilePermissions(
          p,
          java.nio.file.attribute.PosixFilePermissions.fromString(
              Files.isDirectory(p)
                  ? (on ? "r-xr-xr-x" : "rwx------")
                  : (on ? "r--r--r--" : "rw-------")));
    }
    if (!on || !Files.isWritable(paths[0])) {
      return true;
    }
    // Root ignores file modes: an immutable file is read-only for root too.
    return run("chattr", "+i", paths);
  }

  private static boolean run(String cmd, String flag, Path... paths) throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(cmd, flag));
    for (Path p : paths) {
      args.add(p.toString());
    }
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void shouldListAndViewAReadOnlyHistory() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("ro-home"));
    java.util.Map<String, String> env = java.util.Map.of("DESTILL_HOME", home.toString());
    Path log = tmp.resolve("ro.log");
    Files.writeString(log, "error: read-only history check failed\n");
    CliRunner.Result analyzed =
        CliRunner.runWithEnv(env, "analyze", "--format", "json", log.toString());
    String requestId = JSON.readTree(analyzed.out()).get("request_id").asText();
    Path db = home.resolve("destill.db");
    boolean frozen = freeze(true, db, home);
    try {
      org.junit.jupiter.api.Assumptions.assumeTrue(frozen, "cannot make a file read-only here");
      CliRunner.Result list = CliRunner.runWithEnv(env, "history");
      assertThat(list.exitCode()).as(list.err()).isZero();
      assertThat(list.out()).contains(requestId);
      CliRunner.Result view = CliRunner.runWithEnv(env, "view", "--format", "json", requestId);
      assertThat(view.exitCode()).as(view.err()).isZero();
      assertThat(view.out()).contains("read-only history check failed");
    } finally {
      freeze(false, db, home);
    }
  }
}
