package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.mcp.Manifest;
import dev.destill.provider.FakeCiServer;
import dev.destill.provider.FakeCiServer.Reply;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts {@code destill mcp} as a real subprocess (the packaged jar) and drives it with the MCP
 * Java SDK's client over stdio.
 */
class McpServerIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BUILD = "/v2/organizations/acme/pipelines/shop/builds/42";
  static final int BUDGET = 1500;

  static FakeCiServer api;
  static McpSyncClient client;
  static dev.destill.llm.FakeChatServer chat;
  static McpSchema.InitializeResult initialized;
  static final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = new FakeCiServer();
    api.on(
        BUILD,
        Reply.json(
            Files.readString(
                Path.of(
                    "..",
                    "destill-providers",
                    "src",
                    "test",
                    "resources",
                    "buildkite",
                    "build.json"))));
    api.on(
        BUILD + "/jobs/0190a1b2-0000-4000-8000-000000000001/log.txt",
        Reply.text(
            "export TOKEN=ghp_"
                + "a".repeat(36)
                + "\n"
                + Files.readString(Path.of("..", "examples", "buildkite-go-panic.log"))));
    api.on(BUILD + "/jobs/0190a1b2-0000-4000-8000-000000000003/log.txt", Reply.text("lint ok\n"));
    api.on(BUILD + "/artifacts?per_page=100", Reply.json("[]"));
    chat = new dev.destill.llm.FakeChatServer();
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    ServerParameters params =
        ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java").toString())
            .args("-jar", jar.toString(), "mcp", "--budget-tokens", String.valueOf(BUDGET))
            .env(
                Map.of(
                    "BUILDKITE_API_URL",
                    api.url() + "/v2",
                    "BUILDKITE_API_TOKEN",
                    "bkua_test_token_0123456789abcdef",
                    "GITHUB_TOKEN",
                    "ghp_mcp_it_token_never_sent",
                    "DESTILL_LLM_URL",
                    chat.baseUrl(),
                    "DESTILL_LLM_MODEL",
                    "local-model",
                    // The server's history goes to a folder of this test, not the user's.
                    "DESTILL_HOME",
                    Files.createTempDirectory("destill-mcp-it").toString()))
            .build();
    client =
        McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
            .requestTimeout(Duration.ofSeconds(60))
            .progressConsumer(progress::add)
            // The client checks each structuredContent against the tool's output schema.
            .enableCallToolSchemaCaching(true)
            .build();
    initialized = client.initialize();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.closeGracefully();
    }
    api.close();
    chat.close();
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  static CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
  }

  @Test
  void shouldNegotiateTheCurrentProtocol() {
    assertThat(initialized.protocolVersion()).isEqualTo(ProtocolVersions.MCP_2025_11_25);
    assertThat(initialized.serverInfo().name()).isEqualTo("destill");
  }

  @Test
  void shouldDescribeToolsWithTitlesHintsAndOutputSchemas() {
    Map<String, McpSchema.Tool> tools = new java.util.HashMap<>();
    client.listTools().tools().forEach(t -> tools.put(t.name(), t));
    assertThat(tools.values())
        .allSatisfy(
            t -> {
              assertThat(t.title()).isNotBlank();
              assertThat(t.annotations().readOnlyHint()).isTrue();
              assertThat(t.annotations().destructiveHint()).isFalse();
              assertThat(t.outputSchema()).containsEntry("type", "object");
            });
    assertThat(tools.get("analyze_build").annotations().openWorldHint()).isTrue();
    assertThat(tools.get("analyze_log").annotations().openWorldHint()).isFalse();
  }

  @Test
  void shouldAnswerWithStructuredContentAndReportProgress() {
    progress.clear();
    CallToolResult r =
        client.callTool(
            CallToolRequest.builder()
                .name("analyze_build")
                .arguments(Map.of("url", "https://buildkite.com/acme/shop/builds/42"))
                .progressToken("tok-1")
                .build());
    assertThat(r.isError()).as(text(r)).isFalse();
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = (Map<String, Object>) r.structuredContent();
    assertThat(structured).containsKeys("request_id", "build", "top_failures");
    assertThat(structured.get("request_id")).isEqualTo(requestIdOf(text(r)));
    // One notification when the jobs are known, then one per job read.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> progress.size() >= 2);
    assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("tok-1"));
    assertThat(progress.get(progress.size() - 1).progress()).isPositive();
    assertThat(progress.get(0).total()).isPositive();
  }

  static String requestIdOf(String body) {
    try {
      return JSON.readTree(body).get("request_id").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void shouldEnforceSchemasAndSayWhatIsMissingOrUnknown() throws Exception {
    CallToolResult zero = call("analyze_log", Map.of("text", "error: boom\n", "limit", 0));
    assertThat(zero.isError()).isTrue();
    assertThat(text(zero)).contains("limit");
    String id = requestIdOf(text(call("analyze_log", Map.of("text", "step\nFATAL: disk full\n"))));
    CallToolResult missing = call("get_finding_details", Map.of("request_id", id));
    assertThat(missing.isError()).isTrue();
    assertThat(text(missing)).contains("finding_id");
    assertThatThrownBy(() -> call("analyse_build", Map.of("url", "x")))
        .hasMessageContaining("analyse_build");
  }

  @Test
  void shouldLeaveBoilerplateOutOfRecurringFailures() throws Exception {
    call(
        "analyze_log",
        Map.of(
            "text",
            "FATAL: cache volume full\nBUILD FAILURE\nProcess completed with exit code 1.\n"));
    call(
        "analyze_log",
        Map.of(
            "text",
            "x\nFATAL: cache volume full\nBUILD FAILURE\nProcess completed with exit code 1.\n"));
    JsonNode recurring = JSON.readTree(text(call("recurring_failures", Map.of("limit", 20))));
    assertThat(recurring.get("recurring").toString()).contains("cache volume full");
    assertThat(recurring.get("recurring").toString())
        .doesNotContain("BUILD FAILURE")
        .doesNotContain("exit code 1");
  }

  @Test
  void shouldListEveryToolWithASchema() {
    assertThat(client.listTools().tools())
        .extracting(McpSchema.Tool::name)
        .containsExactlyInAnyOrder(
            "analyze_build",
            "analyze_log",
            "get_finding_details",
            "search_log",
            "recurring_failures",
            "explain_failure");
    assertThat(client.listTools().tools())
        .allSatisfy(
            t -> {
              assertThat(t.description()).hasSizeGreaterThan(40);
              assertThat(t.inputSchema()).containsEntry("type", "object");
            });
  }

  @Test
  void shouldAnalyzeABuildWithinTheBudgetAndDrillDown() throws Exception {
    CallToolResult r =
        call(
            "analyze_build",
            Map.of("url", "https://buildkite.com/acme/shop/builds/42", "limit", 3));
    assertThat(r.isError()).as(text(r)).isFalse();
    String body = text(r);
    assertThat(Manifest.tokens(body)).isLessThanOrEqualTo(BUDGET);
    assertThat(body).doesNotContain("ghp_aaaa").doesNotContain("\u001b");
    JsonNode m = JSON.readTree(body);
    assertThat(m.get("build").get("title").asText()).isEqualTo("acme/shop #42");
    JsonNode top = m.get("top_failures").get(0);
    assertThat(top.get("message").asText()).containsAnyOf("TestPostTransfer", "nil pointer");
    String requestId = m.get("request_id").asText();

    JsonNode details =
        JSON.readTree(
            text(
                call(
                    "get_finding_details",
                    Map.of("request_id", requestId, "finding_id", top.get("id").asText()))));
    assertThat(details.get("block").size()).isGreaterThan(0);

    JsonNode found =
        JSON.readTree(
            text(
                call(
                    "search_log",
                    Map.of("request_id", requestId, "pattern", "goroutine \\d+", "context", 1))));
    assertThat(found.get("matches").get(0).get("lines").toString()).contains("goroutine 23");
    JsonNode secret =
        JSON.readTree(
            text(call("search_log", Map.of("request_id", requestId, "pattern", "TOKEN"))));
    assertThat(secret.toString()).doesNotContain("ghp_aaaa");

    JsonNode recurring = JSON.readTree(text(call("recurring_failures", Map.of("limit", 5))));
    assertThat(recurring.get("recurring").size()).isGreaterThan(0);
  }

  @Test
  void shouldAnalyzePastedText() throws Exception {
    CallToolResult r =
        call("analyze_log", Map.of("text", "step 1\nFATAL: could not connect to db:5432\n"));
    JsonNode m = JSON.readTree(text(r));
    assertThat(m.get("top_failures").get(0).get("lines").asText()).isEqualTo("2");
  }

  @Test
  void shouldAnswerBadInputWithToolErrors() {
    assertThat(call("analyze_log", Map.of()).isError()).isTrue();
    assertThat(text(call("analyze_log", Map.of("path", "target/no/such/file.log"))))
        .contains("no such file");
    // Only files under the working directory (no roots, no DESTILL_MCP_ROOTS) may be read.
    CallToolResult passwd = call("analyze_log", Map.of("path", "/etc/passwd"));
    assertThat(passwd.isError()).isTrue();
    assertThat(text(passwd)).contains("outside the folders").doesNotContain("root:");
    assertThat(
            call("get_finding_details", Map.of("request_id", "req-x", "finding_id", "f")).isError())
        .isTrue();
    CallToolResult bad =
        call("analyze_build", Map.of("url", "https://buildkite.com/acme/shop/builds/404"));
    assertThat(bad.isError()).isTrue();
    assertThat(text(bad)).contains("404");
    CallToolResult regex = call("search_log", Map.of("request_id", "req-x", "pattern", "("));
    assertThat(regex.isError()).isTrue();
    // The server survives all of it.
    assertThat(client.listTools().tools()).hasSize(6);
  }

  @Test
  void shouldSendNoTokenToARunLinkOnAnUnknownHost() {
    // A link an assistant was tricked into passing on: shaped like a run, on another host.
    CallToolResult r = call("analyze_build", Map.of("url", api.url() + "/acme/w/actions/runs/1"));

    assertThat(r.isError()).isTrue();
    assertThat(text(r)).contains("GITHUB_API_URL").doesNotContain("ghp_mcp_it_token_never_sent");
    assertThat(api.seen()).noneMatch(s -> s.pathAndQuery().contains("/acme/w"));
  }

  @Test
  void shouldExplainAnAnalysisWithTheLinesItCitesAndReuseIt() throws Exception {
    CallToolResult analyzed =
        call("analyze_build", Map.of("url", "https://buildkite.com/acme/shop/builds/42"));
    String manifest = text(analyzed);
    String requestId =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(manifest)
            .path("request_id")
            .asText();
    java.util.regex.Matcher line =
        java.util.regex.Pattern.compile("\"lines\":\"(\\d+)").matcher(manifest);
    assertThat(line.find()).as(manifest).isTrue();
    long cited = Long.parseLong(line.group(1));
    int before = chat.requests().size();
    chat.then(
        dev.destill.llm.FakeChatServer.answer("The handler dereferenced a nil map.", "", cited));

    CallToolResult r = call("explain_failure", Map.of("request_id", requestId));

    assertThat(r.isError()).as(text(r)).isFalse();
    assertThat(text(r)).contains("The handler dereferenced a nil map.").contains("cited_lines");
    assertThat(r.structuredContent().toString()).contains(String.valueOf(cited));
    assertThat(chat.requests()).hasSize(before + 1);
    assertThat(chat.requests().get(before).body().toString())
        .contains("<log-excerpt")
        .doesNotContain("ghp_aaaa");
    CallToolResult again = call("explain_failure", Map.of("request_id", requestId));
    assertThat(text(again)).contains("\"cached\":");
    assertThat(chat.requests()).hasSize(before + 1);
  }
}
