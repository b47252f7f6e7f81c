package dev.destill.app.mcp;

import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.InMemoryFindingStore;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code destill mcp}: a Model Context Protocol server on stdio for AI assistants. */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Serves the Model Context Protocol over stdio, so Claude Desktop, Claude Code, Cursor and other "
          + "MCP clients can triage builds with Destill. Only JSON-RPC is written to stdout; logs go "
          + "to stderr.",
      "",
      "Tools: analyze_build, analyze_log, get_finding_details, search_log, recurring_failures."
    })
public final class McpCommand implements Callable<Integer> {

  private final Services services;

  public McpCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Option(
      names = "--budget-tokens",
      paramLabel = "N",
      description =
          "Size budget of each answer, in tokens, at least 500 (overrides DESTILL_MCP_BUDGET; default 4000).")
  Integer budgetTokens;

  @Override
  public Integer call() throws Exception {
    int budget =
        services.settings().withFlag(Settings.MCP_BUDGET, budgetTokens).get(Settings.MCP_BUDGET);
    Path spool = Files.createTempDirectory("destill-mcp-");
    McpTools tools =
        new McpTools(services.remoteProviders(), services.clock(), history(), budget, spool);
    McpJsonMapper json = McpJsonMapper.getDefault();
    McpSyncServer server =
        McpServer.sync(new StdioServerTransportProvider(json))
            .serverInfo("destill", VersionInfo.version())
            .instructions(
                "Destill finds why a CI build failed. Start with analyze_build (a Buildkite, GitHub "
                    + "Actions or GitLab URL) or analyze_log (a local file or pasted text); drill down with "
                    + "get_finding_details and search_log using the request_id they return.")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .requestTimeout(Duration.ofMinutes(10))
            .tools(specs(json, tools))
            .build();
    // The transport reads stdin on its own threads; wait until the client goes away.
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.closeGracefully();
                  tools.close(); // the spooled logs go with the server
                }));
    forever.await();
    return ExitCodes.OK;
  }

  /** The shared history; when it cannot be opened, one held in memory while the server runs. */
  private FindingStore history() {
    try {
      return services.openHistory();
    } catch (RuntimeException e) {
      System.err.println(
          "destill mcp: history unavailable (" + e.getMessage() + "); keeping it in memory");
      return new InMemoryFindingStore(services.clock());
    }
  }

  static List<SyncToolSpecification> specs(McpJsonMapper json, McpTools tools) {
    return List.of(
        tool(
            json,
            "analyze_build",
            "Analyze a failed CI build from its URL (Buildkite https://buildkite.com/ORG/PIPELINE/builds/N, "
                + "GitHub Actions https://github.com/OWNER/REPO/actions/runs/ID, GitLab "
                + "https://HOST/GROUP/PROJECT/-/pipelines/ID). Returns a compact manifest: the build, the top "
                + "unique failures in full (message, job/step, confidence, recurrence, context lines) and the "
                + "rest one line each, plus a request_id for drill-down. Tokens come from the server's "
                + "environment (BUILDKITE_API_TOKEN, GITHUB_TOKEN, GITLAB_TOKEN).",
            """
            {"type":"object","properties":{
              "url":{"type":"string","description":"The build, run or pipeline URL"},
              "limit":{"type":"integer","minimum":1,"maximum":50,"description":"How many top failures to show in full (default 5)"}},
             "required":["url"]}""",
            a -> tools.analyzeBuild(str(a, "url"), integer(a, "limit", 5))),
        tool(
            json,
            "analyze_log",
            "Analyze a local CI log: a file or directory path on the server's machine (each file is one job; "
                + ".gz and JUnit XML reports are read), or the log text itself. Returns the same manifest as "
                + "analyze_build, with a request_id.",
            """
            {"type":"object","properties":{
              "path":{"type":"string","description":"A log file or directory on the server's machine"},
              "text":{"type":"string","description":"The log itself, when there is no file"},
              "limit":{"type":"integer","minimum":1,"maximum":50,"description":"How many top failures to show in full (default 5)"}}}""",
            a -> tools.analyzeLog(str(a, "path"), str(a, "text"), integer(a, "limit", 5))),
        tool(
            json,
            "get_finding_details",
            "The full block and context (15 lines before, 30 after) of one finding of an earlier analysis.",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string","description":"The request_id of analyze_build or analyze_log"},
              "finding_id":{"type":"string","description":"A finding's id from the manifest"}},
             "required":["request_id","finding_id"]}""",
            a -> tools.findingDetails(str(a, "request_id"), str(a, "finding_id"))),
        tool(
            json,
            "search_log",
            "Search the logs of an earlier analysis with a Java regular expression, when the findings are not "
                + "enough. Returns up to 20 matches per page with context lines; page through with 'page'.",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string","description":"The request_id of analyze_build or analyze_log"},
              "job":{"type":"string","description":"Only this job (its name as in the manifest)"},
              "pattern":{"type":"string","description":"A Java regular expression, matched per line"},
              "context":{"type":"integer","minimum":0,"maximum":10,"description":"Lines before and after each match (default 2)"},
              "page":{"type":"integer","minimum":0,"description":"Page of results, from 0"}},
             "required":["request_id","pattern"]}""",
            a ->
                tools.searchLog(
                    str(a, "request_id"),
                    str(a, "job"),
                    str(a, "pattern"),
                    integer(a, "context", 2),
                    integer(a, "page", 0))),
        tool(
            json,
            "recurring_failures",
            "The failures (by normalized-message hash) that occurred in the most builds analyzed by this server, "
                + "with how many builds and when they were first and last seen.",
            """
            {"type":"object","properties":{
              "limit":{"type":"integer","minimum":1,"maximum":100,"description":"How many (default 10)"}}}""",
            a -> tools.recurringFailures(integer(a, "limit", 10))));
  }

  private static SyncToolSpecification tool(
      McpJsonMapper json,
      String name,
      String description,
      String schema,
      Function<Map<String, Object>, String> handler) {
    return SyncToolSpecification.builder()
        .tool(
            McpSchema.Tool.builder()
                .name(name)
                .description(description)
                .inputSchema(json, schema)
                .build())
        .callHandler(
            (exchange, request) -> {
              try {
                Map<String, Object> args =
                    request.arguments() == null ? Map.of() : request.arguments();
                return CallToolResult.builder()
                    .addTextContent(handler.apply(args))
                    .isError(false)
                    .build();
              } catch (DestillException e) {
                return CallToolResult.builder()
                    .addTextContent(McpTools.safe(e.getMessage()))
                    .isError(true)
                    .build();
              } catch (RuntimeException e) {
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                return CallToolResult.builder()
                    .addTextContent("destill failed: " + McpTools.safe(m))
                    .isError(true)
                    .build();
              }
            })
        .build();
  }

  static String str(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new DestillException.BadInput(key + " must be a string");
    }
    return s;
  }

  static int integer(Map<String, Object> args, String key, int fallback) {
    Object v = args.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new DestillException.BadInput(key + " must be a whole number, was '" + v + "'");
    }
  }
}
