package dev.destill.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Page 4, the hot stats: lines and errors per source over time, the top templates and spikes, when
 * the server has hot stats to read; otherwise a plain statement that it has none (never made-up
 * figures). Thread-safe (stateless).
 */
final class StatsPage {
  private StatsPage() {}

  static String body(Optional<JsonNode> stats) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("<h1>Stats</h1>");
    if (stats.isEmpty()) {
      sb.append("<p class=\"notice\" id=\"no-stats\">No live stats are configured on this")
          .append(" server. The hot stats (line and error counts per source, top templates,")
          .append(" spikes) come from the live log sources; this server has none, so there")
          .append(" is nothing to show here. The analyses and recurring failures are on the")
          .append(" other pages.</p>");
      return sb.toString();
    }
    sb.append("<pre class=\"block\">").append(Html.text(stats.get().toPrettyString()));
    sb.append("</pre>");
    return sb.toString();
  }
}
