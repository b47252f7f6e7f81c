package dev.destill.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Analysis documents in the API's shape, built for the rendering tests. */
final class Docs {
  private Docs() {}

  static ObjectNode analysis(String input, int findings) {
    ObjectNode d = Summaries.JSON.createObjectNode();
    d.put("request_id", "req-20261202-120000-abc123");
    d.put("status", "complete");
    d.put("input", input);
    d.put("title", "shop #42");
    ArrayNode jobs = d.putArray("jobs");
    ObjectNode j = jobs.addObject();
    j.put("name", "build");
    j.put("state", "failed");
    j.put("lines", 1200);
    j.put("exit_status", 1);
    d.put("total_findings", findings);
    ArrayNode fs = d.putArray("findings");
    for (int i = 1; i <= findings; i++) {
      fs.add(finding(i, "[ERROR] Cart.java:[87,29] cannot find symbol " + i));
    }
    d.putArray("warnings");
    return d;
  }

  static ObjectNode finding(int rank, String message) {
    ObjectNode f = Summaries.JSON.createObjectNode();
    f.put("rank", rank);
    f.put("id", String.format("%016x", 0xabc000L + rank));
    f.put("hash", String.format("%064x", 0xfeed000L + rank));
    f.put("severity", "error");
    f.put("confidence", 0.9);
    f.put("tier", rank == 1 ? 1 : 2);
    f.put("job", "build");
    f.put("step", "Compile");
    f.put("line", 100L * rank);
    f.put("end_line", 100L * rank + 2);
    f.put("message", message);
    ArrayNode block = f.putArray("block");
    block.add(message);
    block.add("  symbol:   method applyDiscount(com.acme.Cart,java.math.BigDecimal)");
    block.add("  location: class com.acme.PriceCalculator");
    ArrayNode pre = f.putArray("pre_context");
    for (int i = 0; i < 15; i++) {
      pre.add("[INFO] Compiling 412 source files to /home/runner/work/shop/target/classes " + i);
    }
    ArrayNode post = f.putArray("post_context");
    for (int i = 0; i < 30; i++) {
      post.add("[INFO] BUILD FAILURE at step " + i + " of the reactor, see the log above");
    }
    f.put("recurrence", 1);
    f.put("source", "log");
    return f;
  }

  static JsonNode findingOf(ObjectNode doc, int index) {
    return doc.path("findings").path(index);
  }
}
