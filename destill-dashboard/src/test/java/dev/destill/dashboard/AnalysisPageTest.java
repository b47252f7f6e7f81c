package dev.destill.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The analysis page's HTML, from documents with hostile text and with every optional part. */
class AnalysisPageTest {
  private static final String GITHUB = "https://github.com/acme/shop/actions/runs/42";

  @Test
  void shouldShowHostileLogTextAsTextOnly() {
    String hostile =
        "<script>alert(1)</script><img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">x</a>"
            + " &amp; &lt;b&gt; \u202Eevil\u202C ' \" \ud800";
    ObjectNode doc = Docs.analysis(GITHUB, 1);
    ObjectNode f = (ObjectNode) Docs.findingOf(doc, 0);
    f.put("message", hostile);
    f.put("job", "<b>job</b>");
    f.put("step", "\"><svg onload=alert(4)>");
    ((ArrayNode) f.path("block")).insert(0, hostile);
    ((ObjectNode) doc.path("jobs").path(0)).put("name", "<iframe src=//evil>");
    doc.put("title", "<title>x</title>");
    doc.putArray("warnings").add("<script>w</script>");

    String html = AnalysisPage.body(doc, "");

    assertThat(html)
        .doesNotContain(
            "<script", "<img", "<iframe", "<svg", "<b>", "<title>", "href=\"javascript:")
        .doesNotContain("\u202E", "\ud800")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=alert(2)&gt;")
        .contains("&amp;amp; &amp;lt;b&amp;gt;")
        .contains("&#10216;U+202E&#10217;")
        .contains("&quot;&gt;&lt;svg onload=alert(4)&gt;")
        .contains("\uFFFD");
    // No tag the page has carries an event handler: log text never becomes an attribute.
    Matcher tags = Pattern.compile("<[^>]*>").matcher(html);
    while (tags.find()) {
      assertThat(tags.group()).doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
    }
  }

  @Test
  void shouldCutNothingSilentlyAndKeepAFiveMegabyteLineEscaped() {
    ObjectNode doc = Docs.analysis(GITHUB, 1);
    String longLine = "<x>".repeat(5 * 1024 * 1024 / 3);
    ((ArrayNode) Docs.findingOf(doc, 0).path("block")).add(longLine);
    String html = AnalysisPage.body(doc, "");
    assertThat(html).doesNotContain("<x>").contains("&lt;x&gt;&lt;x&gt;");
  }

  @Test
  void shouldLinkOnlyToTheProvidersOwnHost() {
    ObjectNode doc = Docs.analysis(GITHUB, 1);
    String html = AnalysisPage.body(doc, "");
    assertThat(hrefs(html))
        .filteredOn(h -> h.startsWith("http"))
        .isNotEmpty()
        .allMatch(h -> h.startsWith("https://github.com/acme/shop/actions/runs/42"));

    for (String bad :
        new String[] {
          "javascript:alert(1)",
          "data:text/html,<script>alert(1)</script>",
          "https://user:secret@github.com/acme/shop/actions/runs/42",
          "https://evil.example/acme/shop/builds/42",
          "//github.com/acme/shop/actions/runs/42",
          "https://buildkite.com.evil.example/acme/shop/builds/42",
          "/tmp/build.log"
        }) {
      String h = AnalysisPage.body(Docs.analysis(bad, 1), "");
      assertThat(hrefs(h)).as(bad).noneMatch(x -> x.startsWith("http") || x.contains(":"));
      assertThat(h).as(bad).doesNotContain("open-ci", "class=\"ci\"", "secret@");
    }
  }

  @Test
  void shouldLinkAGitLabJobAtTheFindingsLine() {
    String job = "https://gitlab.example.com/acme/shop/-/jobs/7";
    String html = AnalysisPage.body(Docs.analysis(job, 2), "");
    assertThat(html)
        .contains("href=\"https://gitlab.example.com/acme/shop/-/jobs/7#L100\"")
        .contains("href=\"https://gitlab.example.com/acme/shop/-/jobs/7#L200\"")
        .contains("Open in CI at line 100 (gitlab.example.com)");
  }

  @Test
  void shouldShowNoveltyAndTheBaselineWhenTheDocumentHasThem() {
    ObjectNode doc = Docs.analysis(GITHUB, 3);
    ObjectNode b = doc.putObject("baseline");
    b.put("source", "https://github.com/acme/shop/actions/runs/41");
    b.put("found", true);
    b.put("note", "last green build on main");
    b.put("jobs", 1);
    b.put("lines_known", 1180);
    b.put("lines_new", 20);
    ((ObjectNode) Docs.findingOf(doc, 0)).put("novelty", "new");
    ((ObjectNode) Docs.findingOf(doc, 1)).put("novelty", "known");
    ((ObjectNode) Docs.findingOf(doc, 2)).put("novelty", "<i>odd</i>");

    String html = AnalysisPage.body(doc, "");

    assertThat(html)
        .contains("<h2 id=\"base-h\">Baseline</h2>")
        .contains("href=\"https://github.com/acme/shop/actions/runs/41\"")
        .contains("(last green build on main)")
        .contains("<span class=\"lines-known\">1180</span>")
        .contains("<span class=\"lines-new\">20</span>")
        .contains("<span class=\"novelty nov-new\"")
        .contains("<span class=\"novelty nov-known\"")
        .contains("<span class=\"novelty\">&lt;i&gt;odd&lt;/i&gt;</span>");

    ObjectNode none = Docs.analysis(GITHUB, 1);
    ObjectNode nb = none.putObject("baseline");
    nb.putNull("source");
    nb.put("found", false);
    nb.put("note", "no passing build of main in the last 30 days");
    ((ObjectNode) Docs.findingOf(none, 0)).put("novelty", "unknown");
    assertThat(AnalysisPage.body(none, ""))
        .contains("No passing build to compare with (no passing build of main in the last 30 days)")
        .contains("nov-unknown");

    assertThat(AnalysisPage.body(Docs.analysis(GITHUB, 1), ""))
        .doesNotContain("Baseline", "novelty");
  }

  @Test
  void shouldShowHistoryAsALinkToTheFingerprint() {
    ObjectNode doc = Docs.analysis(GITHUB, 1);
    ObjectNode f = (ObjectNode) Docs.findingOf(doc, 0);
    ObjectNode h = f.putObject("history");
    h.put("builds_seen", 3);
    h.put("builds_known", 20);
    String html = AnalysisPage.body(doc, "");
    assertThat(html)
        .contains(
            "<a class=\"seen\" href=\"/failures?hash="
                + f.path("hash").asText()
                + "\">seen in 3 of the last 20 builds</a>");
    // No earlier build known: no "0 of the last 0", the fingerprint's link alone.
    h.put("builds_seen", 0);
    h.put("builds_known", 0);
    assertThat(AnalysisPage.body(doc, ""))
        .doesNotContain("of the last 0")
        .contains(
            "<a class=\"seen\" href=\"/failures?hash="
                + f.path("hash").asText()
                + "\">fingerprint</a>");
  }

  @Test
  void shouldShowTheExplanationWithItsCitedLinesLinked() {
    ObjectNode doc = Docs.analysis(GITHUB, 1);
    ObjectNode e = doc.putObject("explanation");
    e.put("root_cause", "PriceCalculator calls <applyDiscount> which was removed");
    e.put("fix", "Restore Cart.applyDiscount or update the caller");
    e.put("confidence", "high");
    e.put("model", "claude-sonnet-4-5");
    e.put("cached", true);
    e.put("cached_from", "req-20261201-000000-aaaaaa");
    ObjectNode ev = e.putArray("evidence").addObject();
    ev.put("job", "build");
    ev.put("line", 101);
    String html = AnalysisPage.body(doc, "");
    assertThat(html)
        .contains("<h2 id=\"expl-h\">Explanation</h2>")
        .contains("By the model claude-sonnet-4-5, confidence high, reused from req-20261201")
        .contains("calls &lt;applyDiscount&gt; which")
        .contains("Restore Cart.applyDiscount")
        .contains(
            "<a href=\"#finding-"
                + Docs.findingOf(doc, 0).path("id").asText()
                + "\">build:101</a>");
    assertThat(AnalysisPage.body(Docs.analysis(GITHUB, 1), "")).doesNotContain("Explanation");
  }

  @Test
  void shouldGiveEveryFindingAPermalinkAndCopyButtons() {
    ObjectNode doc = Docs.analysis(GITHUB, 3);
    String html = AnalysisPage.body(doc, "");
    for (int i = 0; i < 3; i++) {
      String id = "finding-" + Docs.findingOf(doc, i).path("id").asText();
      assertThat(html)
          .contains("id=\"" + id + "\"")
          .contains("<a class=\"permalink\" href=\"#" + id + "\"")
          .contains("data-copy=\"" + id + "-lines\"")
          .contains("data-anchor=\"" + id + "\"");
    }
  }

  @Test
  void shouldFilterTheFindingsBySearch() {
    ObjectNode doc = Docs.analysis(GITHUB, 3);
    ((ObjectNode) Docs.findingOf(doc, 1)).putArray("block").add("NullPointerException here");
    String html = AnalysisPage.body(doc, "nullpointer");
    assertThat(html).contains("1 of 3 findings").contains("NullPointerException here");
    assertThat(html).doesNotContain("cannot find symbol 1<");
  }

  @Test
  void shouldShowConfidenceWithTwoDecimals() {
    for (double v : new double[] {0, 0.005, 0.1, 0.456, 0.99, 0.999, 1}) {
      assertThat(AnalysisPage.twoPlaces(v))
          .as("%s", v)
          .isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", v));
    }
  }

  private static java.util.List<String> hrefs(String html) {
    Matcher m = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
    java.util.List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
