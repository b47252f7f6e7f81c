package dev.destill.app.eval;

import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.ExplainOptions;
import dev.destill.core.explain.ExplainOutcome;
import dev.destill.core.explain.Explainer;
import dev.destill.core.explain.InMemoryExplanationStore;
import dev.destill.core.explain.LanguageModel;
import dev.destill.core.explain.ModelAnswer;
import dev.destill.core.explain.Prompt;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code destill eval --explain}: asks the model about each case's ranked findings and measures how
 * often the lines it cites are gold lines, and how many tokens that took. A team can so compare
 * models on its own failures.
 */
final class ExplainEvaluation {
  /** What one case's explanation came to. */
  record CaseExplained(
      EvalCase evalCase,
      boolean answered,
      int cited,
      int citedGold,
      int estimatedTokens,
      long inputTokens,
      String failure) {
    boolean hit() {
      return citedGold > 0;
    }
  }

  /** Figures over a set of cases. */
  record Figures(
      int cases,
      int answered,
      int hits,
      double precision,
      double meanEstimatedTokens,
      long inputTokensReported) {}

  private ExplainEvaluation() {}

  static List<CaseExplained> run(
      LanguageModel model,
      ExplainOptions options,
      List<Evaluation.CaseResult> results,
      Clock clock) {
    List<CaseExplained> out = new ArrayList<>();
    for (Evaluation.CaseResult r : results) {
      // Each case on its own: a cache shared across cases would hide what the model does.
      Counting counting = new Counting(model);
      Explainer explainer = new Explainer(counting, new InMemoryExplanationStore(1), clock);
      ExplainOutcome o =
          explainer.explain(
              r.evalCase().id(),
              r.evalCase().id(),
              r.findings(),
              options,
              Explainer.Mode.REFRESH,
              t -> {});
      out.add(score(r.evalCase(), o, counting));
    }
    return out;
  }

  /** Passes requests on and remembers the tokens the server reported. */
  private static final class Counting implements LanguageModel {
    private final LanguageModel inner;
    long inputTokens = -1;

    Counting(LanguageModel inner) {
      this.inner = inner;
    }

    @Override
    public String model() {
      return inner.model();
    }

    @Override
    public ModelAnswer complete(Prompt prompt, Consumer<String> onText) {
      ModelAnswer a = inner.complete(prompt, onText);
      inputTokens = a.inputTokens();
      return a;
    }
  }

  private static CaseExplained score(EvalCase c, ExplainOutcome o, Counting counting) {
    return switch (o) {
      case ExplainOutcome.Explained e -> {
        int cited = e.explanation().evidence().size() + e.explanation().rejectedEvidence().size();
        int gold = 0;
        for (EvidenceLine l : e.explanation().evidence()) {
          if (inGold(c, l.line())) {
            gold++;
          }
        }
        yield new CaseExplained(
            c, true, cited, gold, e.prompt().estimatedTokens(), counting.inputTokens, "");
      }
      case ExplainOutcome.Failed f ->
          new CaseExplained(c, false, 0, 0, f.prompt().estimatedTokens(), -1, f.reason());
      case ExplainOutcome.DryRun d ->
          new CaseExplained(c, false, 0, 0, d.prompt().estimatedTokens(), -1, "dry run");
      case ExplainOutcome.NothingToExplain n ->
          new CaseExplained(c, false, 0, 0, 0, -1, "no findings");
    };
  }

  private static boolean inGold(EvalCase c, long line) {
    for (long[] g : c.gold()) {
      if (line >= g[0] && line <= g[1]) {
        return true;
      }
    }
    return false;
  }

  static Figures figures(List<CaseExplained> cases) {
    int answered = 0;
    int hits = 0;
    int cited = 0;
    int citedGold = 0;
    long tokens = 0;
    long reported = 0;
    for (CaseExplained c : cases) {
      answered += c.answered() ? 1 : 0;
      hits += c.hit() ? 1 : 0;
      cited += c.cited();
      citedGold += c.citedGold();
      tokens += c.estimatedTokens();
      reported += Math.max(0, c.inputTokens());
    }
    return new Figures(
        cases.size(),
        answered,
        hits,
        cited == 0 ? 0 : (double) citedGold / cited,
        cases.isEmpty() ? 0 : (double) tokens / cases.size(),
        reported);
  }

  static void print(String model, List<CaseExplained> cases, PrintWriter out) {
    Map<String, List<CaseExplained>> groups = new TreeMap<>();
    for (CaseExplained c : cases) {
      groups.computeIfAbsent(c.evalCase().source(), k -> new ArrayList<>()).add(c);
    }
    out.println();
    out.println("explanations by " + model + ":");
    out.printf(
        Locale.ROOT,
        "%-12s %6s %9s %12s %10s %12s %14s%n",
        "source",
        "cases",
        "answered",
        "cites gold",
        "precision",
        "tokens/case",
        "tokens (srv)");
    row("all", figures(cases), out);
    for (Map.Entry<String, List<CaseExplained>> e : groups.entrySet()) {
      row(e.getKey(), figures(e.getValue()), out);
    }
    out.println();
    out.println(
        "cites gold: cases where at least one cited line is a gold line; precision: cited lines that"
            + " are gold; tokens/case: estimated input tokens sent; tokens (srv): as the server"
            + " counted them");
    long failed = cases.stream().filter(c -> !c.answered()).count();
    if (failed > 0) {
      cases.stream()
          .filter(c -> !c.answered())
          .map(CaseExplained::failure)
          .distinct()
          .limit(3)
          .forEach(f -> out.println("not answered (" + failed + " cases): " + f));
    }
  }

  private static void row(String name, Figures f, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-12s %6d %9d %12.3f %10.3f %12.0f %14d%n",
        name,
        f.cases(),
        f.answered(),
        f.cases() == 0 ? 0 : (double) f.hits() / f.cases(),
        f.precision(),
        f.meanEstimatedTokens(),
        f.inputTokensReported());
  }
}
