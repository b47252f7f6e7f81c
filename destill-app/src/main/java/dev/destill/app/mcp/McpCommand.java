package dev.destill.app.mcp;

import dev.destill.app.analysis.AnalysisListener;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.InMemoryFindingStore;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
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
    // The spool holds raw (unmasked) logs: it goes when the server does, however it ends.
    Path spool = Files.createTempDirectory("destill-mcp-");
    Thread cleanup = new Thread(() -> deleteTree(spool), "destill-mcp-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    McpTools tools =
        new McpTools(
            services.remoteProviders(),
            services.clock(),
            history(),
            budget,
            spool,
            PathGuard.of(
                services.settings().find(Settings.MCP_ROOTS).orElse(""),
                Path.of("").toAbsolutePath()),
            services.settings().llmEnv());
    McpJsonMapper json = McpJsonDefaults.getMapper();
    StdioGuard stdio = new StdioGuard(System.in, System.out);
    McpSyncServer server =
        McpServer.sync(
                new NamingTransportProvider(
                    new StdioServerTransportProvider(json, stdio.sdkInput(), stdio.sdkOutput())))
            .serverInfo("destill", VersionInfo.version())
            .instructions(
                "Destill finds why a CI build failed. Start with analyze_build (a Buildkite, GitHub "
                    + "Actions or GitLab URL) or analyze_log (a local file or pasted text); drill down with "
                    + "get_finding_details and search_log using the request_id they return.")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .requestTimeout(Duration.ofMinutes(10))
            // Arguments outside a tool's input schema (limit 0, a missing finding_id) are refused.
            .validateToolInputs(true)
            .tools(ClientRoots.follow(specs(json, tools), tools.paths()))
            .build();
    // The transport reads what the guard passes on; serve until the client closes stdin.
    stdio.start();
    try {
      stdio.awaitEnd();
    } finally {
      server.closeGracefully();
      tools.close(); // the spooled logs go with the server
      deleteTree(spool);
    }
    return ExitCodes.OK;
  }

  /** Deletes a directory and what it holds; what cannot be deleted is left, silently. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // Best effort at exit: a file still open elsewhere stays behind.
    }
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

  /** What a tool does with its arguments; {@code progress} tells the client how far it is. */
  @FunctionalInterface
  interface Handler {
    String apply(Map<String, Object> args, AnalysisListener progress);
  }

  private static final String MANIFEST_SCHEMA =
      """
      {"type":"object","properties":{
        "request_id":{"type":"string"},
        "build":{"type":"object","properties":{"title":{"type":"string"},"id":{"type":"string"},"jobs":{"type":"array"}}},
        "findings_total":{"type":"integer"},
        "note":{"type":"string"},
        "top_failures":{"type":"array","items":{"type":"object"}},
        "other_findings":{"type":"array","items":{"type":"object"}},
        "baseline":{"type":"object","description":"The green build or passing log compared with, and its lines known and new"},
        "omitted":{"type":"object"},
        "next_steps":{"type":"string"}},
       "required":["request_id","build","findings_total","top_failures","other_findings"]}""";

  static List<SyncToolSpecification> specs(McpJsonMapper json, McpTools tools) {
    return List.of(
        tool(
            json,
            "analyze_build",
            "Analyze a CI build",
            true,
            "Analyze a failed CI build from its URL (Buildkite https://buildkite.com/ORG/PIPELINE/builds/N, "
                + "GitHub Actions https://github.com/OWNER/REPO/actions/runs/ID, GitLab "
                + "https://HOST/GROUP/PROJECT/-/pipelines/ID). Returns a compact manifest: the build, the top "
                + "unique failures in full (message, job/step, confidence, recurrence, context lines) and the "
                + "rest one line each, plus a request_id for drill-down. Tokens come from the server's "
                + "environment (BUILDKITE_API_TOKEN, GITHUB_TOKEN, GITLAB_TOKEN). Sends progress "
                + "notifications while it reads the logs. By default it compares with the last green build "
                + "and says which findings are new since then (novelty).",
            """
            {"type":"object","properties":{
              "url":{"type":"string","minLength":1,"description":"The build, run or pipeline URL"},
              "baseline":{"type":"string","minLength":1,"description":"What to compare with: auto (default: the last green build of the same pipeline on the branch, else the default branch), none, or a passing build's URL. Findings get novelty new or known"},
              "limit":{"type":"integer","minimum":1,"maximum":50,"description":"How many top failures to show in full (default 5)"}},
             "required":["url"]}""",
            MANIFEST_SCHEMA,
            (a, p) ->
                tools.analyzeBuild(str(a, "url"), str(a, "baseline"), integer(a, "limit", 5), p)),
        tool(
            json,
            "analyze_log",
            "Analyze a local CI log",
            false,
            "Analyze a local CI log: a file or directory path on the server's machine (each file is one job; "
                + ".gz and JUnit XML reports are read), or the log text itself. Returns the same manifest as "
                + "analyze_build, with a request_id. Only paths under the client's roots are read (or under "
                + "the folders in DESTILL_MCP_ROOTS, or the server's working directory when neither is set).",
            """
            {"type":"object","properties":{
              "path":{"type":"string","description":"A log file or directory on the server's machine"},
              "text":{"type":"string","description":"The log itself, when there is no file"},
              "baseline":{"type":"string","minLength":1,"description":"A passing log file or directory (paired by file name) to compare with; findings get novelty new or known"},
              "limit":{"type":"integer","minimum":1,"maximum":50,"description":"How many top failures to show in full (default 5)"}}}""",
            MANIFEST_SCHEMA,
            (a, p) ->
                tools.analyzeLog(
                    str(a, "path"), str(a, "text"), str(a, "baseline"), integer(a, "limit", 5), p)),
        tool(
            json,
            "get_finding_details",
            "Show one finding in full",
            false,
            "The full block and context (15 lines before, 30 after) of one finding of an earlier analysis.",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string","minLength":1,"description":"The request_id of analyze_build or analyze_log"},
              "finding_id":{"type":"string","minLength":1,"description":"A finding's id from the manifest"}},
             "required":["request_id","finding_id"]}""",
            """
            {"type":"object","properties":{
              "id":{"type":"string"},"rank":{"type":"integer"},"job":{"type":"string"},
              "message":{"type":"string"},"pre_context":{"type":"array","items":{"type":"string"}},
              "block":{"type":"array","items":{"type":"string"}},
              "post_context":{"type":"array","items":{"type":"string"}}},
             "required":["id","rank","job","message","block"]}""",
            (a, p) -> tools.findingDetails(str(a, "request_id"), str(a, "finding_id"))),
        tool(
            json,
            "search_log",
            "Search the logs of an analysis",
            false,
            "Search the logs of an earlier analysis with a Java regular expression, when the findings are not "
                + "enough. Returns up to 20 matches per page with context lines (overlapping contexts are "
                + "merged); page through with 'page'. Only the logs that analysis read are searched, and "
                + "local files only while they are still under the allowed folders (see analyze_log); "
                + "secrets are masked.",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string","minLength":1,"description":"The request_id of analyze_build or analyze_log"},
              "job":{"type":"string","description":"Only this job (its name or short name as in the manifest)"},
              "pattern":{"type":"string","minLength":1,"description":"A Java regular expression, matched per line"},
              "context":{"type":"integer","minimum":0,"maximum":10,"description":"Lines before and after each match (default 2)"},
              "page":{"type":"integer","minimum":0,"description":"Page of results, from 0"}},
             "required":["request_id","pattern"]}""",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string"},"pattern":{"type":"string"},"page":{"type":"integer"},
              "matches":{"type":"array","items":{"type":"object"}},"more":{"type":"boolean"}},
             "required":["request_id","pattern","page","matches","more"]}""",
            (a, p) ->
                tools.searchLog(
                    str(a, "request_id"),
                    str(a, "job"),
                    str(a, "pattern"),
                    integer(a, "context", 2),
                    integer(a, "page", 0))),
        tool(
            json,
            "recurring_failures",
            "List recurring failures",
            false,
            "The failures (by normalized-message hash) that occurred in the most builds analyzed on this "
                + "machine, with how many builds and when they were first and last seen. Generic lines "
                + "(BUILD FAILURE, exit code 1, a bare [ERROR]) are left out.",
            """
            {"type":"object","properties":{
              "limit":{"type":"integer","minimum":1,"maximum":100,"description":"How many (default 10)"}}}""",
            """
            {"type":"object","properties":{
              "note":{"type":"string"},"recurring":{"type":"array","items":{"type":"object"}}},
             "required":["recurring"]}""",
            (a, p) -> tools.recurringFailures(integer(a, "limit", 10))),
        tool(
            json,
            "explain_failure",
            "Explain a failure with an LLM",
            true,
            "Ask the language model configured on the server (DESTILL_LLM_URL, DESTILL_LLM_MODEL) to"
                + " explain an earlier analysis: the likely root cause, the log lines that show it"
                + " (returned verbatim in cited_lines), a fix and a confidence. Only the top findings"
                + " go out, secrets masked and within a token budget; the same failure explained"
                + " before is reused unless refresh is true. Fails with one line when no model is"
                + " configured.",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string","minLength":1,"description":"The request_id of analyze_build or analyze_log"},
              "refresh":{"type":"boolean","description":"Ask again even when an explanation is cached"}},
             "required":["request_id"]}""",
            """
            {"type":"object","properties":{
              "request_id":{"type":"string"},"root_cause":{"type":"string"},
              "evidence":{"type":"array","items":{"type":"object"}},"fix":{"type":"string"},
              "confidence":{"type":"string"},"model":{"type":"string"},"cached":{"type":"boolean"},
              "cited_lines":{"type":"array","items":{"type":"object"}},"note":{"type":"string"}},
             "required":["request_id","root_cause","evidence","confidence","model","cited_lines"]}""",
            (a, p) -> tools.explainFailure(str(a, "request_id"), bool(a, "refresh"))));
  }

  private static SyncToolSpecification tool(
      McpJsonMapper json,
      String name,
      String title,
      boolean openWorld,
      String description,
      String inputSchema,
      String outputSchema,
      Handler handler) {
    return SyncToolSpecification.builder()
        .tool(
            McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(json, inputSchema)
                .outputSchema(json, outputSchema)
                .annotations(
                    McpSchema.ToolAnnotations.builder()
                        .title(title)
                        // Nothing the user has changes: an analysis is only added to the history.
                        .readOnlyHint(true)
                        .destructiveHint(false)
                        .idempotentHint(true)
                        .openWorldHint(openWorld)
                        .build())
                .build())
        .callHandler(
            (exchange, request) -> {
              try {
                Map<String, Object> args =
                    request.arguments() == null ? Map.of() : request.arguments();
                String answer = handler.apply(args, progress(exchange, request.progressToken()));
                return CallToolResult.builder()
                    .addTextContent(answer)
                    .structuredContent(json, answer)
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

  /**
   * Progress notifications for a call whose client asked for them (a progress token): one when the
   * build's jobs are known, then one per job read.
   */
  static AnalysisListener progress(McpSyncServerExchange exchange, Object token) {
    if (token == null || exchange == null) {
      return AnalysisListener.NONE;
    }
    AtomicInteger total = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    return new AnalysisListener() {
      @Override
      public void onProgress(ProgressEvent event) {
        String message;
        if (event instanceof ProgressEvent.BuildResolved b) {
          total.set(b.jobs());
          message = b.jobs() + " job" + (b.jobs() == 1 ? "" : "s") + " to read";
        } else if (event instanceof ProgressEvent.JobFinished f) {
          message = "read " + McpTools.safe(f.job());
          done.incrementAndGet();
        } else {
          return;
        }
        try {
          exchange.progressNotification(
              new McpSchema.ProgressNotification(
                  token, done.get(), total.get() == 0 ? null : (double) total.get(), message));
        } catch (RuntimeException e) {
          // A client that went away does not stop the analysis.
        }
      }
    };
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

  static boolean bool(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new DestillException.BadInput(key + " must be true or false");
  }
}
