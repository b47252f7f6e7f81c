package dev.destill.app.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.local.LocalFilesProvider;
import dev.destill.app.output.Format;
import dev.destill.core.DestillException;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill eval}: measures how often the first findings are the real cause. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Measures ranking quality on labeled failed logs: runs the engine on every case of "
          + "DIR/cases.jsonl and prints hit@1, hit@3, hit@5, hit@10 and the median number of "
          + "finding lines read up to the first hit, overall and per source.",
      "",
      "A case is hit at k when one of the top k findings' line ranges (only its first 10 "
          + "lines count) overlaps a gold range. A case's passing log, when it has one, is "
          + "its baseline, as 'destill analyze --baseline PASSING FAILED' takes it (see "
          + "docs/baseline.md); --no-baseline measures without them.",
      "",
      "--format prints text (a table) or json (one object per group)."
    })
public final class EvalCommand implements Callable<Integer> {
  private static final int[] KS = {1, 3, 5, 10};

  @Spec CommandSpec spec;

  private final dev.destill.app.wiring.Services services;

  public EvalCommand(dev.destill.app.wiring.Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Mixin FormatOption formatOption;

  @Option(
      names = "--explain",
      description =
          "Also ask the model set by DESTILL_LLM_URL and DESTILL_LLM_MODEL to explain each case,"
              + " and report how often the lines it cites are gold lines and how many tokens it"
              + " took (use --limit: every case is one request).")
  boolean explain;

  @Parameters(
      paramLabel = "DIR",
      description = "Folder with cases.jsonl (for example ../shared/eval).")
  Path dir;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Write every case's outcome as JSON: "
              + "the gold lines next to our top 5, misses first.")
  Path report;

  @Option(names = "--source", paramLabel = "SOURCE", description = "Only cases of this source.")
  String source;

  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      description =
          "all (default), held-out (a third of the repositories, drawn once with a fixed seed)"
              + " or rest (the other two thirds).")
  String split = "all";

  @Option(
      names = "--by",
      paramLabel = "GROUP",
      description = "Group the table by source (default) or ecosystem (the case's language).")
  String by = "source";

  @Option(
      names = "--no-baseline",
      description = "Do not compare the cases that have a passing log with it (figures without).")
  boolean noBaseline;

  @Option(names = "--limit", paramLabel = "N", description = "Only the first N cases.")
  Integer limit;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Cases analyzed at once (default: CPU cores).")
  int parallel = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws IOException {
    Format format = formatOption.require(Format.TEXT, Format.JSON);
    if (parallel < 1 || (limit != null && limit < 1)) {
      throw new ParameterException(spec.commandLine(), "--parallel and --limit must be at least 1");
    }
    if (!List.of("all", "held-out", "rest").contains(split)
        || !List.of("source", "ecosystem").contains(by)) {
      throw new ParameterException(
          spec.commandLine(), "--split is all, held-out or rest; --by is source or ecosystem");
    }
    List<EvalCase> all = Evaluation.readCases(dir);
    java.util.Set<String> heldOut = Split.heldOut(all);
    List<EvalCase> cases = new ArrayList<>();
    for (EvalCase c : all) {
      boolean in = heldOut.contains(c.repository());
      boolean wanted = split.equals("all") || (split.equals("held-out") ? in : !in);
      if (wanted && (source == null || c.source().equals(source))) {
        cases.add(c);
      }
    }
    if (limit != null && cases.size() > limit) {
      cases = cases.subList(0, limit);
    }
    if (cases.isEmpty()) {
      throw new DestillException.BadInput(
          "no cases to evaluate in " + dir + (source == null ? "" : " with source " + source));
    }
    List<Evaluation.CaseResult> results = Evaluation.run(dir, cases, parallel, !noBaseline);
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.JSON) {
      printJson(results, out, by.equals("ecosystem"));
    } else {
      printTable(results, out, by.equals("ecosystem"));
    }
    if (explain) {
      dev.destill.llm.LlmSettings llm =
          dev.destill.llm.LlmSettings.fromEnvironment(services.settings().llmEnv())
              .orElseThrow(
                  () ->
                      new DestillException(
                          "eval --explain needs DESTILL_LLM_URL and DESTILL_LLM_MODEL (see"
                              + " docs/explain.md)"));
      try (dev.destill.llm.OpenAiLanguageModel model =
          new dev.destill.llm.OpenAiLanguageModel(llm, false)) {
        List<ExplainEvaluation.CaseExplained> explained =
            ExplainEvaluation.run(
                model,
                dev.destill.app.explain.ExplainRunner.options(services.settings().llmEnv()),
                results,
                services.clock());
        ExplainEvaluation.print(llm.model(), explained, out);
      }
    }
    if (report != null) {
      writeReport(results, report);
      if (format == Format.TEXT) {
        out.println();
        out.println("report: " + report);
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Summary figures of a group of cases. */
  public record Figures(int cases, double[] hitAt, double medianLines, int misses) {}

  public static Figures figures(List<Evaluation.CaseResult> results) {
    double[] hit = new double[KS.length];
    List<Long> lines = new ArrayList<>();
    int misses = 0;
    for (Evaluation.CaseResult r : results) {
      for (int i = 0; i < KS.length; i++) {
        if (r.outcome().hitWithin(KS[i])) {
          hit[i]++;
        }
      }
      if (r.outcome().hitWithin(10)) {
        lines.add(r.outcome().linesRead());
      } else {
        misses++;
      }
    }
    for (int i = 0; i < KS.length; i++) {
      hit[i] = results.isEmpty() ? 0 : hit[i] / results.size();
    }
    return new Figures(results.size(), hit, Scoring.median(lines), misses);
  }

  /** All cases, then each source's (in order of first appearance) or each ecosystem's. */
  private static Map<String, List<Evaluation.CaseResult>> groups(
      List<Evaluation.CaseResult> results, boolean byEcosystem) {
    Map<String, List<Evaluation.CaseResult>> groups = new LinkedHashMap<>();
    groups.put("all", results);
    Map<String, List<Evaluation.CaseResult>> rest = new java.util.TreeMap<>();
    for (Evaluation.CaseResult r : results) {
      EvalCase c = r.evalCase();
      String key = byEcosystem ? c.ecosystem() : c.source();
      (byEcosystem ? rest : groups).computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    groups.putAll(rest);
    return groups;
  }

  static void printJson(List<Evaluation.CaseResult> results, PrintWriter out, boolean byEcosystem)
      throws IOException {
    JsonGenerator g = new JsonFactory().createGenerator(out);
    g.useDefaultPrettyPrinter();
    g.writeStartArray();
    for (Map.Entry<String, List<Evaluation.CaseResult>> e :
        groups(results, byEcosystem).entrySet()) {
      Figures f = figures(e.getValue());
      g.writeStartObject();
      g.writeStringField(byEcosystem ? "ecosystem" : "source", e.getKey());
      g.writeNumberField("cases", f.cases());
      for (int i = 0; i < KS.length; i++) {
        g.writeNumberField("hit_at_" + KS[i], f.hitAt()[i]);
      }
      g.writeNumberField("median_lines", f.medianLines());
      g.writeNumberField("no_hit_at_10", f.misses());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.flush();
    out.println();
  }

  static void printTable(List<Evaluation.CaseResult> results, PrintWriter out) {
    printTable(results, out, false);
  }

  static void printTable(
      List<Evaluation.CaseResult> results, PrintWriter out, boolean byEcosystem) {
    Map<String, List<Evaluation.CaseResult>> groups = groups(results, byEcosystem);
    out.printf(
        Locale.ROOT,
        "%-14s %6s %7s %7s %7s %7s %13s %12s%n",
        byEcosystem ? "ecosystem" : "source",
        "cases",
        "hit@1",
        "hit@3",
        "hit@5",
        "hit@10",
        "median lines",
        "no hit@10");
    for (Map.Entry<String, List<Evaluation.CaseResult>> e : groups.entrySet()) {
      Figures f = figures(e.getValue());
      out.printf(
          Locale.ROOT,
          "%-14s %6d %7.3f %7.3f %7.3f %7.3f %13.1f %12d%n",
          e.getKey(),
          f.cases(),
          f.hitAt()[0],
          f.hitAt()[1],
          f.hitAt()[2],
          f.hitAt()[3],
          f.medianLines(),
          f.misses());
    }
    out.println();
    out.println(
        "median lines: finding lines read, in rank order, up to the first gold line of the first hit"
            + " (cases hit within the top 10)");
  }

  private void writeReport(List<Evaluation.CaseResult> results, Path file) throws IOException {
    List<Evaluation.CaseResult> ordered = new ArrayList<>(results);
    // Misses first, then late hits: the report is for studying what went wrong.
    ordered.sort(
        (a, b) ->
            Integer.compare(
                a.outcome().rank().orElse(Integer.MAX_VALUE) == 1 ? 1 : 0,
                b.outcome().rank().orElse(Integer.MAX_VALUE) == 1 ? 1 : 0));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartArray();
      for (Evaluation.CaseResult r : ordered) {
        EvalCase c = r.evalCase();
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("source", c.source());
        g.writeStringField("repository", c.repository());
        if (r.outcome().rank().isPresent()) {
          g.writeNumberField("first_hit", r.outcome().rank().getAsInt());
        } else {
          g.writeNullField("first_hit");
        }
        g.writeArrayFieldStart("gold");
        Map<Long, String> text = goldText(dir.resolve(c.log()), c.gold());
        for (long[] range : c.gold()) {
          g.writeStartObject();
          g.writeNumberField("line", range[0]);
          g.writeNumberField("end_line", range[1]);
          g.writeArrayFieldStart("text");
          for (long l = range[0]; l <= Math.min(range[1], range[0] + 4); l++) {
            g.writeString(text.getOrDefault(l, ""));
          }
          g.writeEndArray();
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("top");
        for (Finding f : r.findings().subList(0, Math.min(5, r.findings().size()))) {
          g.writeStartObject();
          g.writeNumberField("line", f.line());
          g.writeNumberField("end_line", f.endLine());
          g.writeNumberField("confidence", f.confidence());
          g.writeNumberField("tier", f.tier());
          g.writeStringField("message", f.message());
          g.writeStringField("signals", String.join(",", f.signals()));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  // The text of the first lines of each gold range, read by streaming the log once.
  private static Map<Long, String> goldText(Path log, List<long[]> gold) throws IOException {
    Map<Long, String> text = new LinkedHashMap<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(LocalFilesProvider.openFile(log), StandardCharsets.UTF_8))) {
      long n = 0;
      String line;
      long last = gold.stream().mapToLong(g -> g[1]).max().orElse(0);
      while ((line = readRawLine(r)) != null && n < last) {
        n++;
        for (long[] g : gold) {
          if (n >= g[0] && n <= Math.min(g[1], g[0] + 4)) {
            text.put(n, LineCleaner.visible(line.length() > 500 ? line.substring(0, 500) : line));
          }
        }
      }
    }
    return text;
  }

  // BufferedReader.readLine splits on \r too; the data counts \n only.
  private static String readRawLine(BufferedReader r) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = r.read()) >= 0) {
      if (c == '\n') {
        return sb.toString();
      }
      if (sb.length() < 100_000) {
        sb.append((char) c);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
