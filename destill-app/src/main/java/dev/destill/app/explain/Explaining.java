package dev.destill.app.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.history.HistoryStore;
import dev.destill.core.DestillException;
import dev.destill.core.explain.ExplainOutcome;
import dev.destill.core.explain.Explainer;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.core.explain.InMemoryExplanationStore;
import dev.destill.core.explain.Prompt;
import dev.destill.core.store.FindingStore;
import dev.destill.llm.LlmSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** What {@code analyze --explain} and {@code destill explain} share. */
public final class Explaining {
  private Explaining() {}

  /**
   * Takes the next argument as {@code --explain}'s mode only when it is one ({@code --explain
   * build.log} leaves the log a target); {@code --explain=MODE} must name a mode.
   */
  public static final class ModeConsumer implements picocli.CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(
        java.util.Stack<String> args,
        picocli.CommandLine.Model.ArgSpec argSpec,
        picocli.CommandLine.Model.CommandSpec commandSpec) {
      String next = args.isEmpty() ? "" : args.peek();
      Explainer.Mode mode = Explainer.Mode.NORMAL;
      if (next.equals("on") || next.equals("dry-run") || next.equals("refresh")) {
        mode = new ModeConverter().convert(args.pop());
      }
      argSpec.setValue(mode);
    }
  }

  /** Reads {@code on}, {@code dry-run} or {@code refresh}. */
  public static final class ModeConverter implements ITypeConverter<Explainer.Mode> {
    @Override
    public Explainer.Mode convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "on", "" -> Explainer.Mode.NORMAL;
        case "dry-run" -> Explainer.Mode.DRY_RUN;
        case "refresh" -> Explainer.Mode.REFRESH;
        default ->
            throw new TypeConversionException("'" + value + "' is not one of on, dry-run, refresh");
      };
    }
  }

  /**
   * Explains {@code report}, keeping the explanation in the history (when {@code history} is given)
   * and returning the report with it. A failure costs a warning (on stderr and in the report): the
   * findings stand without it. A dry run prints the request to {@code out} instead.
   *
   * @param json print a dry run as the JSON body that would be posted
   * @param stream stream the root cause to {@code err} as it arrives (at a terminal)
   */
  public static Optional<AnalysisReport> run(
      Map<String, String> env,
      Optional<FindingStore> history,
      AnalysisReport report,
      Explainer.Mode mode,
      boolean json,
      boolean stream,
      PrintWriter out,
      PrintWriter err,
      Clock clock) {
    ExplanationStore store =
        history
            .flatMap(HistoryStore::explanations)
            .orElseGet(() -> new InMemoryExplanationStore(16));
    RootCauseStream streamer =
        new RootCauseStream(
            text -> {
              synchronized (err) {
                err.print(text);
                err.flush();
              }
            });
    if (stream && mode != Explainer.Mode.DRY_RUN) {
      err.print("destill: explaining: ");
      err.flush();
    }
    ExplainOutcome outcome;
    try {
      outcome =
          ExplainRunner.explain(
              env, store, report, mode, stream, stream ? streamer : t -> {}, clock);
    } finally {
      if (stream && mode != Explainer.Mode.DRY_RUN) {
        err.println();
        err.flush();
      }
    }
    return switch (outcome) {
      case ExplainOutcome.Explained e -> Optional.of(report.withExplanation(e.explanation()));
      case ExplainOutcome.DryRun d -> {
        printDryRun(env, d.prompt(), json, out);
        yield Optional.empty();
      }
      case ExplainOutcome.NothingToExplain n -> {
        String w = "explanation: no findings to explain; nothing was sent";
        warn(err, w);
        yield Optional.of(report.withWarning(w));
      }
      case ExplainOutcome.Failed f -> {
        String w = "explanation: " + f.reason();
        warn(err, w);
        yield Optional.of(report.withWarning(w));
      }
    };
  }

  private static void warn(PrintWriter err, String w) {
    synchronized (err) {
      err.println("destill: warning: " + w);
      err.flush();
    }
  }

  /** Exactly what would be sent: the request body as JSON, or the two messages as text. */
  static void printDryRun(Map<String, String> env, Prompt p, boolean json, PrintWriter out) {
    String model;
    try {
      model =
          LlmSettings.fromEnvironment(env).map(LlmSettings::model).orElse("(DESTILL_LLM_MODEL)");
    } catch (DestillException e) {
      model = "(DESTILL_LLM_MODEL)";
    }
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode body = m.createObjectNode();
      body.put("model", model);
      body.put("temperature", 0.0);
      body.putObject("response_format").put("type", "json_object");
      var msgs = body.putArray("messages");
      msgs.addObject().put("role", "system").put("content", p.system());
      msgs.addObject().put("role", "user").put("content", p.user());
      ObjectNode meta = body.putObject("destill");
      meta.put("prompt_version", p.version());
      meta.put("estimated_tokens", p.estimatedTokens());
      var ids = meta.putArray("finding_ids");
      p.sent().forEach(s -> ids.add(s.findingId()));
      meta.put("findings_left_out", p.left());
      out.println(body.toPrettyString());
    } else {
      out.printf(
          Locale.ROOT,
          "Dry run: nothing was sent. To %s, prompt %s, about %,d input tokens, %d finding%s (%d left out):%n",
          model,
          p.version(),
          p.estimatedTokens(),
          p.sent().size(),
          p.sent().size() == 1 ? "" : "s",
          p.left());
      out.println();
      out.println("----- system -----");
      out.print(p.system());
      out.println("----- user -----");
      out.print(p.user());
      out.println("----- end -----");
    }
    out.flush();
  }
}
