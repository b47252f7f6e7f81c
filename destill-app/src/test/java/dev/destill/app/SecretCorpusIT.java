package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of secret forms (destill-core's test resources) in one log, run through every output
 * the user or an assistant can see: text, JSON, JSONL and Markdown, the history database row by row
 * and byte by byte, {@code view}, and the MCP tools over stdio. No secret may appear in any.
 */
class SecretCorpusIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path CORPUS = Path.of("..", "destill-core", "src", "test", "resources", "secrets");

  @TempDir Path tmp;

  record Corpus(List<String> secrets, String log) {}

  static Corpus corpus() throws Exception {
    List<String> secrets = new ArrayList<>();
    StringBuilder log = new StringBuilder("build started\n");
    int i = 0;
    for (String entry : Files.readAllLines(CORPUS.resolve("corpus.tsv"))) {
      if (entry.isBlank() || entry.startsWith("#")) {
        continue;
      }
      String[] parts = entry.split("\t", 2);
      secrets.add(parts[0]);
      i++;
      // Each form as a context line, and as the message of a finding of its own.
      log.append("step ").append(i).append('\n');
      log.append(parts[1]).append('\n');
      log.append("error: check ").append(i).append(" failed: ").append(parts[1]).append('\n');
      log.append("cleanup ").append(i).append("\n\n\n");
    }
    List<String> key = Files.readAllLines(CORPUS.resolve("private-key.txt"));
    secrets.addAll(key.subList(1, key.size() - 1));
    log.append("error: ssh key rejected\n");
    key.forEach(l -> log.append(l).append('\n'));
    log.append("ERROR: deploy failed\n").append("done\n");
    return new Corpus(secrets, log.toString());
  }

  static void assertClean(String where, String text, List<String> secrets) {
    assertThat(text).as(where + " is empty").isNotBlank();
    assertNone(where, text, secrets);
  }

  static void assertNone(String where, String text, List<String> secrets) {
    for (String s : secrets) {
      assertThat(text).as(where + " shows a secret").doesNotContain(s);
    }
  }

  @Test
  void shouldShowNoSecretOfTheCorpusInAnyOutput() throws Exception {
    Corpus c = corpus();
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Path log = Files.writeString(logs.resolve("corpus.log"), c.log());
    Path home = Files.createDirectories(tmp.resolve("home"));
    Map<String, String> env = Map.of("DESTILL_HOME", home.toString());

    // Every output format.
    String requestId = null;
    for (String format : new String[] {"text", "json", "jsonl", "markdown"}) {
      CliRunner.Result r =
          CliRunner.runWithEnv(env, "analyze", "--format", format, "--top", "200", log.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertClean(format, r.out(), c.secrets());
      assertNone(format + " (stderr)", r.err(), c.secrets());
      if (format.equals("json")) {
        JsonNode root = JSON.readTree(r.out());
        requestId = root.get("request_id").asText();
        // Enough findings that the secrets did reach them, masked.
        assertThat(root.get("findings").size()).isGreaterThan(c.secrets().size() / 2);
        assertThat(r.out()).contains("****");
      }
    }

    // The history, read back row by row and byte by byte.
    StringBuilder rows = new StringBuilder();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("destill.db"));
        Statement s = db.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet t = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (t.next()) {
          tables.add(t.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int k = 1; k <= cols; k++) {
              rows.append(rs.getString(k)).append('\t');
            }
            rows.append('\n');
          }
        }
      }
    }
    assertThat(rows).contains("error: check 1 failed");
    assertClean("history rows", rows.toString(), c.secrets());
    // Every file under the home: the history and the hot statistics beside it.
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertNone(
            "file " + home.relativize(f),
            new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1),
            c.secrets());
      }
    }

    // view, as text and JSON.
    for (String format : new String[] {"text", "json"}) {
      CliRunner.Result v = CliRunner.runWithEnv(env, "view", "--format", format, requestId);
      assertThat(v.exitCode()).as(v.err()).isZero();
      assertClean("view " + format, v.out(), c.secrets());
    }

    // The MCP tools, through the SDK's client, on the packaged server.
    List<String> answers = new ArrayList<>();
    McpSyncClient client = mcp(logs, Files.createDirectories(tmp.resolve("mcp-home")));
    try {
      for (Map<String, Object> args :
          List.<Map<String, Object>>of(
              Map.of("path", log.toString(), "limit", 50), Map.of("text", c.log(), "limit", 50))) {
        String manifest = text(client.callTool(new CallToolRequest("analyze_log", args)));
        answers.add(manifest);
        JsonNode m = JSON.readTree(manifest);
        String id = m.get("request_id").asText();
        List<String> findingIds = new ArrayList<>();
        for (String list : new String[] {"top_failures", "other_findings"}) {
          m.path(list).forEach(f -> findingIds.add(f.get("id").asText()));
        }
        assertThat(findingIds).hasSizeGreaterThan(c.secrets().size() / 2);
        // Details of the first findings and of the last ones, which stand around the key. (The
        // manifest already carries every top failure's context; fewer calls keep the run short.)
        List<String> some = new ArrayList<>(findingIds.subList(0, 4));
        some.addAll(findingIds.subList(findingIds.size() - 3, findingIds.size()));
        for (String f : some) {
          answers.add(
              text(
                  client.callTool(
                      new CallToolRequest(
                          "get_finding_details", Map.of("request_id", id, "finding_id", f)))));
        }
        // Every line of the log: each "step N" with 5 lines around it, and the key with 10.
        for (Map<String, Object> search :
            List.<Map<String, Object>>of(
                Map.of("request_id", id, "pattern", "^step \\d+$", "context", 5, "page", 0),
                Map.of("request_id", id, "pattern", "^step \\d+$", "context", 5, "page", 1),
                Map.of("request_id", id, "pattern", "ssh key rejected", "context", 10))) {
          answers.add(text(client.callTool(new CallToolRequest("search_log", search))));
        }
      }
    } finally {
      client.closeGracefully();
    }
    String all = String.join("\n", answers);
    assertThat(all).contains("error: check 1 failed").contains("****");
    assertClean("MCP answers", all, c.secrets());
  }

  static String text(CallToolResult r) {
    String t = ((McpSchema.TextContent) r.content().get(0)).text();
    assertThat(r.isError()).as(t).isFalse();
    return t;
  }

  static McpSyncClient mcp(Path roots, Path home) {
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    ServerParameters params =
        ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString())
            .args("-jar", jar.toString(), "mcp", "--budget-tokens", "20000")
            .env(Map.of("DESTILL_HOME", home.toString(), "DESTILL_MCP_ROOTS", roots.toString()))
            .build();
    McpSyncClient client =
        McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }
}
