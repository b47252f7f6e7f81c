package dev.destill.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.analysis.AnalysisListener;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisRequest;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobState;
import dev.destill.core.provider.BaselineChoice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the engine over labeled cases: each case's log as a failed job and, when there is one, its
 * passing log as the baseline it is compared with, as {@code destill analyze --baseline} does.
 */
public final class Evaluation {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The result of one case: its outcome and the ranked findings it was scored on. */
  public record CaseResult(EvalCase evalCase, Scoring.Outcome outcome, List<Finding> findings) {}

  private Evaluation() {}

  /** Reads {@code cases.jsonl} in {@code dir}. */
  public static List<EvalCase> readCases(Path dir) {
    Path file = dir.resolve("cases.jsonl");
    if (!Files.isRegularFile(file)) {
      throw new DestillException.BadInput(
          "no cases.jsonl in " + dir + ": give the folder that holds it");
    }
    List<EvalCase> cases = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        cases.add(parse(line, file, n));
      }
    } catch (IOException e) {
      throw new DestillException.BadInput("cannot read " + file + ": " + e.getMessage(), e);
    }
    return cases;
  }

  private static EvalCase parse(String line, Path file, int n) {
    try {
      JsonNode o = JSON.readTree(line);
      List<long[]> gold = new ArrayList<>();
      for (JsonNode g : o.path("gold")) {
        gold.add(new long[] {g.get(0).asLong(), g.get(1).asLong()});
      }
      String baseline = o.path("baseline").asText("");
      String language = o.path("language").asText("");
      return new EvalCase(
          o.get("id").asText(),
          o.path("source").asText("unknown"),
          o.get("log").asText(),
          baseline.isEmpty() ? Optional.empty() : Optional.of(baseline),
          gold,
          language.isEmpty() ? Optional.empty() : Optional.of(language));
    } catch (IOException | RuntimeException e) {
      throw new DestillException.BadInput(
          file + " line " + n + " is not a valid case: " + e.getMessage(), e);
    }
  }

  /** Evaluates every case, {@code parallelism} at a time; results keep the cases' order. */
  public static List<CaseResult> run(Path dir, List<EvalCase> cases, int parallelism) {
    return run(dir, cases, parallelism, true);
  }

  /**
   * Evaluates every case, {@code parallelism} at a time, comparing each with its baseline when it
   * has one and {@code baselines} is true; results keep the cases' order.
   */
  public static List<CaseResult> run(
      Path dir, List<EvalCase> cases, int parallelism, boolean baselines) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "destill-eval");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<CaseResult>> futures = new ArrayList<>();
      for (EvalCase c : cases) {
        futures.add(pool.submit(() -> evaluate(dir, c, baselines)));
      }
      List<CaseResult> results = new ArrayList<>();
      for (Future<CaseResult> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DestillException("evaluation interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re
          ? re
          : new DestillException(cause.toString(), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Analyzes one case, with its baseline when it has one, and scores it. */
  public static CaseResult evaluate(Path dir, EvalCase c) {
    return evaluate(dir, c, true);
  }

  /**
   * Analyzes one case and scores it. With {@code baselines}, a case's passing log is its baseline,
   * as {@code destill analyze --baseline PASSING FAILED} takes it: the failed log's lines are
   * compared with its templates.
   */
  public static CaseResult evaluate(Path dir, EvalCase c, boolean baselines) {
    // The same path as `destill analyze [--baseline PASSING] FAILED`: the local pipeline, the
    // baseline resolved and paired by the analysis itself.
    BaselineChoice choice =
        baselines && c.baseline().isPresent()
            ? new BaselineChoice.Given(dir.resolve(c.baseline().get()).toString())
            : BaselineChoice.NONE;
    AnalysisService service =
        new AnalysisService(
            List.of(new LocalFilesProvider(JobState.FAILED, InputStream.nullInputStream())),
            Clock.systemUTC());
    AnalysisReport report =
        service.analyze(
            new AnalysisRequest(List.of(dir.resolve(c.log()).toString()), 1, choice),
            AnalysisListener.NONE);
    List<Finding> ranked = report.findings();
    return new CaseResult(c, Scoring.score(ranked, c.gold()), ranked);
  }
}
