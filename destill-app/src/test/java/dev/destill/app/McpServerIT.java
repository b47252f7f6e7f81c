package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.mcp.Manifest;
import dev.destill.provider.FakeCiServer;
import dev.destill.provider.FakeCiServer.Reply;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
                    // The server's history goes to a folder of this test, not the user's.
                    "DESTILL_HOME",
                    Files.createTempDirectory("destill-mcp-it").toString()))
            .build();
    client =
        McpClient.sync(new StdioClientTransport(params, McpJsonMapper.getDefault()))
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.closeGracefully();
    }
    api.close();
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  static CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
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
            "recurring_failures");
    assertThat(client.listTools().tools())
        .allSatisfy(
            t -> {
              assertThat(t.description()).hasSizeGreaterThan(40);
              assertThat(t.inputSchema().type()).isEqualTo("object");
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
    assertThat(client.listTools().tools()).hasSize(5);
  }

  @Test
  void shouldSendNoTokenToARunLinkOnAnUnknownHost() {
    // A link an assistant was tricked into passing on: shaped like a run, on another host.
    CallToolResult r = call("analyze_build", Map.of("url", api.url() + "/acme/w/actions/runs/1"));

    assertThat(r.isError()).isTrue();
    assertThat(text(r)).contains("GITHUB_API_URL").doesNotContain("ghp_mcp_it_token_never_sent");
    assertThat(api.seen()).noneMatch(s -> s.pathAndQuery().contains("/acme/w"));
  }
}
