package dev.destill.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.dashboard.Dashboard;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dashboard's analysis page for a document of {@code findings} findings (the API's most, 500),
 * each with a 6-line block, the contract's full context (15 lines before, 30 after), history,
 * novelty and markup to escape: the JSON parsed and the whole page rendered, as the server does for
 * {@code GET /analyses/{id}} after reading the document from the store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4", "-Xss4m"})
public class AnalysisPageBenchmark {
  @Param({"500"})
  public int findings;

  String document;

  @Setup(Level.Trial)
  public void make() throws IOException {
    document = document(findings);
  }

  @Benchmark
  public String render() throws IOException {
    return Dashboard.analysisPage(document);
  }

  static String document(int n) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode d = json.createObjectNode();
    d.put("request_id", "req-20261202-120000-abc123");
    d.put("status", "complete");
    d.put("input", "https://github.com/acme/shop/actions/runs/4242424242");
    d.put("title", "acme/shop: CI #4242 on main");
    ObjectNode b = d.putObject("baseline");
    b.put("source", "https://github.com/acme/shop/actions/runs/4242424241");
    b.put("found", true);
    b.put("note", "last green build on main");
    b.put("jobs", 4);
    b.put("lines_known", 48_000);
    b.put("lines_new", 1_200);
    ArrayNode jobs = d.putArray("jobs");
    for (int j = 0; j < 20; j++) {
      ObjectNode job = jobs.addObject();
      job.put("name", "test (ubuntu-latest, " + j + ")");
      job.put("state", j < 4 ? "failed" : "passed");
      job.put("lines", 12_000 + j);
      job.put("bytes", 1_400_000 + j);
      job.put("exit_status", j < 4 ? 1 : 0);
    }
    d.put("total_findings", n * 3);
    ArrayNode fs = d.putArray("findings");
    for (int i = 1; i <= n; i++) {
      ObjectNode f = fs.addObject();
      String msg =
          "[ERROR] /home/runner/work/shop/src/main/java/com/acme/Cart"
              + i
              + ".java:[87,29] cannot find symbol <T> & \"applyDiscount\"";
      f.put("rank", i);
      f.put("id", String.format("%016x", 0x5eed0000L + i));
      f.put("hash", String.format("%064x", 0xfeed0000L + i));
      f.put("severity", i % 7 == 0 ? "warning" : "error");
      f.put("confidence", 0.99 - i / 1000.0);
      f.put("tier", i <= 3 ? 1 : i < 300 ? 2 : 3);
      f.put("job", "test (ubuntu-latest, " + i % 4 + ")");
      f.put("step", "Run mvn -B verify");
      f.put("line", 100L * i);
      f.put("end_line", 100L * i + 5);
      f.put("message", msg);
      ArrayNode block = f.putArray("block");
      block.add(msg);
      for (int l = 0; l < 5; l++) {
        block.add(
            "\tat com.acme.shop.PriceCalculator.apply(PriceCalculator.java:"
                + (40 + l)
                + ") ~[shop-1.0.jar:?] <init> \u202Eevil");
      }
      ArrayNode pre = f.putArray("pre_context");
      for (int l = 0; l < 15; l++) {
        pre.add(
            "[INFO] Compiling 412 source files with javac [debug release 21] to target/classes");
      }
      ArrayNode post = f.putArray("post_context");
      for (int l = 0; l < 30; l++) {
        post.add("[INFO] ------------------------------------------------------------------------");
      }
      f.put("recurrence", 1 + i % 3);
      f.put("novelty", i % 3 == 0 ? "known" : "new");
      f.put("source", "log");
      ObjectNode h = f.putObject("history");
      h.put("builds_seen", i % 20);
      h.put("builds_known", 50);
    }
    d.putArray("warnings").add("job test (ubuntu-latest, 3): log truncated at 64 MiB");
    return json.writeValueAsString(d);
  }
}
