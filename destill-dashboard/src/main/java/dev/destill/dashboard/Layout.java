package dev.destill.dashboard;

/**
 * The frame of every page: the head with the style sheets and scripts (all from {@code /assets/},
 * none inline), the navigation, the key help and the footer. Thread-safe (stateless).
 */
final class Layout {
  private Layout() {}

  /** The pages in the navigation. */
  enum Nav {
    ANALYSES("/", "Analyses"),
    FAILURES("/failures", "Recurring failures"),
    STATS("/stats", "Stats"),
    NONE("", "");

    final String path;
    final String label;

    Nav(String path, String label) {
      this.path = path;
      this.label = label;
    }
  }

  /**
   * A whole page around {@code body} (HTML made by the caller with {@link Html}).
   *
   * @param csrf this browser's CSRF value, for the logout form; empty when there is no session
   */
  static String page(String title, Nav current, String body, String csrf, boolean loggedIn) {
    StringBuilder sb = new StringBuilder(body.length() + 2048);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"color-scheme\" content=\"light dark\">")
        // htmx reads its settings from here: no eval, no inline styles, no scripts in swaps.
        .append("<meta name=\"htmx-config\" content=\"")
        .append(
            Html.attr(
                "{\"allowEval\":false,\"allowScriptTags\":false,\"includeIndicatorStyles\":false,"
                    + "\"selfRequestsOnly\":true,\"historyCacheSize\":0}"))
        .append("\">")
        .append("<title>")
        .append(Html.text(title))
        .append(" · Destill</title>")
        .append("<link rel=\"stylesheet\" href=\"/assets/uPlot.min.css\">")
        .append("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">")
        .append("<script src=\"/assets/htmx.min.js\" defer></script>")
        .append("<script src=\"/assets/sse.js\" defer></script>")
        .append("<script src=\"/assets/uPlot.iife.min.js\" defer></script>")
        .append("<script src=\"/assets/dashboard.js\" defer></script>")
        .append("</head><body>")
        .append("<a class=\"skip\" href=\"#main\">Skip to content</a>")
        .append(
            "<header class=\"top\"><a class=\"brand\" href=\"/\">destill</a><nav aria-label=\"Pages\"><ul>");
    for (Nav n : Nav.values()) {
      if (n == Nav.NONE) {
        continue;
      }
      sb.append("<li><a href=\"").append(n.path).append('"');
      if (n == current) {
        sb.append(" aria-current=\"page\"");
      }
      sb.append('>').append(n.label).append("</a></li>");
    }
    sb.append("</ul></nav>");
    if (loggedIn) {
      sb.append("<form class=\"logout\" method=\"post\" action=\"/logout\">")
          .append("<input type=\"hidden\" name=\"csrf\" value=\"")
          .append(Html.attr(csrf))
          .append("\"><button type=\"submit\">Log out</button></form>");
    }
    sb.append("<button type=\"button\" class=\"help-open\" aria-haspopup=\"dialog\"")
        .append(" aria-controls=\"keys\" hidden>Keys (?)</button>");
    sb.append("</header><main id=\"main\" tabindex=\"-1\">")
        .append(body)
        .append("</main>")
        .append(keyHelp())
        .append("<footer><p>Destill · <a href=\"/api/v1/openapi.json\">API</a> · licenses: ")
        .append("<a href=\"/assets/LICENSE-htmx.txt\">htmx</a>, ")
        .append("<a href=\"/assets/LICENSE-htmx-ext-sse.txt\">htmx SSE</a>, ")
        .append("<a href=\"/assets/LICENSE-uplot.txt\">uPlot</a></p></footer>")
        .append("</body></html>\n");
    return sb.toString();
  }

  private static String keyHelp() {
    return "<dialog id=\"keys\" aria-labelledby=\"keys-title\"><h2 id=\"keys-title\">Keys</h2><dl>"
        + "<dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous finding or analysis</dd>"
        + "<dt><kbd>g</kbd> / <kbd>G</kbd></dt><dd>first / last</dd>"
        + "<dt><kbd>Enter</kbd></dt><dd>open the analysis; on a finding, show or hide its"
        + " context</dd>"
        + "<dt><kbd>o</kbd></dt><dd>open the build in the CI provider (new tab)</dd>"
        + "<dt><kbd>y</kbd></dt><dd>copy the finding's lines</dd>"
        + "<dt><kbd>/</kbd></dt><dd>search</dd>"
        + "<dt><kbd>?</kbd></dt><dd>this help</dd>"
        + "<dt><kbd>Esc</kbd></dt><dd>close this help, leave the search box</dd></dl>"
        + "<form method=\"dialog\"><button type=\"submit\">Close</button></form></dialog>";
  }
}
