package dev.destill.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {
  static final Parser PARSER = Parser.builder().build();

  static List<Finding> findings(int n) {
    List<Finding> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(
          Reports.finding(
              i,
              1,
              List.of(
                  "2024-05-01T10:00:00.1234567Z ##[error]src/App.java:["
                      + (i + 1)
                      + ",5] boom "
                      + i,
                  "2024-05-01T10:00:00.1234567Z   detail " + "y".repeat(400))));
    }
    return list;
  }

  /** Every node of the document, in order. */
  static List<Node> nodes(Node doc) {
    List<Node> out = new ArrayList<>();
    doc.accept(
        new AbstractVisitor() {
          @Override
          protected void visitChildren(Node parent) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
              out.add(n);
              n.accept(this);
            }
          }
        });
    return out;
  }

  @Test
  void shouldListTheTopThreeOpenAndFoldTheRest() {
    String md = MarkdownReport.render(Reports.report(findings(7)), 20);
    Node doc = PARSER.parse(md);
    List<Node> top = new ArrayList<>();
    for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
      top.add(n);
    }
    assertThat(top.get(0)).isInstanceOf(Heading.class);
    // No table: lists of findings, the first before <details>, the second inside it.
    int details = -1;
    int closing = -1;
    for (int i = 0; i < top.size(); i++) {
      if (top.get(i) instanceof HtmlBlock h && h.getLiteral().startsWith("<details>")) {
        details = i;
        assertThat(h.getLiteral()).contains("<summary>4 more findings</summary>");
      }
      if (top.get(i) instanceof HtmlBlock h && h.getLiteral().startsWith("</details>")) {
        closing = i;
      }
    }
    assertThat(details).isPositive();
    assertThat(closing).isGreaterThan(details);
    assertThat(items(top.get(details - 1))).isEqualTo(3);
    assertThat(items(top.get(details + 1))).isEqualTo(4);
    assertThat(md).doesNotContain("| # |");
    // One job: each item says its lines, not the job's name again.
    assertThat(md).contains("lines 1–2 · Run mvn -B verify").doesNotContain("`build.log:");
    // Each finding has its lines in a code block inside its item.
    long blocks = nodes(doc).stream().filter(n -> n instanceof FencedCodeBlock).count();
    assertThat(blocks).isEqualTo(7);
    assertThat(nodes(doc).stream().filter(n -> n instanceof FencedCodeBlock))
        .allSatisfy(n -> assertThat(n.getParent()).isInstanceOf(ListItem.class));
  }

  private static int items(Node list) {
    assertThat(list).isInstanceOf(BulletList.class);
    int n = 0;
    for (Node c = list.getFirstChild(); c != null; c = c.getNext()) {
      n++;
    }
    return n;
  }

  @Test
  void shouldShowLinesWithoutTimestampsMarkersOrCutNotes() {
    List<Finding> list = new ArrayList<>(findings(1));
    list.add(
        Reports.finding(
            9,
            1,
            List.of("error: a very long line [... 61 more chars]", "next [... 12 more bytes]")));
    String md = MarkdownReport.render(Reports.report(list), 20);
    List<FencedCodeBlock> code =
        nodes(PARSER.parse(md)).stream()
            .filter(n -> n instanceof FencedCodeBlock)
            .map(n -> (FencedCodeBlock) n)
            .toList();
    assertThat(code.get(0).getLiteral())
        .startsWith("src/App.java:[1,5] boom 0\n  detail ")
        .doesNotContain("2024-05-01")
        .doesNotContain("##[");
    assertThat(code.get(1).getLiteral())
        .isEqualTo("error: a very long line…\nnext…\n")
        .doesNotContain("more chars]");
    assertThat(md).doesNotContain("##[error]").doesNotContain("T10:00:00");
  }

  @Test
  void shouldNeitherMentionNorLinkNorAutolink() {
    Finding f =
        Reports.finding(
            0,
            1,
            List.of(
                "error: @octocat broke #123, see https://evil.example.com/x and www.example.org",
                "@octocat in a code block is harmless"));
    String md = MarkdownReport.render(Reports.report(List.of(f)), 20);
    Node doc = PARSER.parse(md);
    // Outside code, every text node is cut before a name, a number or a link.
    String prose =
        String.join(
            "|",
            nodes(doc).stream()
                .filter(n -> n instanceof Text && !(n.getParent() instanceof Code))
                .map(n -> ((Text) n).getLiteral())
                .toList());
    assertThat(prose)
        .contains("error: @")
        .doesNotContain("@octocat")
        .doesNotContain("#123")
        .doesNotContain("https://")
        .doesNotContain("www.example");
    assertThat(nodes(doc))
        .anyMatch(n -> n instanceof HtmlInline h && h.getLiteral().equals("<!-- -->"));
    String html = HtmlRenderer.builder().build().render(doc);
    assertThat(html).doesNotContain("<a ");
  }

  @Test
  void shouldNameTheRequestAndHowManyMoreThereAre() {
    String md = MarkdownReport.render(Reports.report(findings(30)), 5);
    assertThat(md).contains("req-20261202-101010-abcdef");
    assertThat(md).contains("25 more findings not shown");
    Node doc = PARSER.parse(md);
    assertThat(nodes(doc))
        .anyMatch(
            n ->
                n instanceof Code c
                    && c.getLiteral().equals("destill view req-20261202-101010-abcdef --top 30"));
  }

  @Test
  void shouldStayUnderTheSummaryLimitWhateverTheFindings() {
    List<Finding> list = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      List<String> block = new ArrayList<>();
      for (int k = 0; k < 40; k++) {
        block.add("error " + i + " line " + k + " " + "é".repeat(500));
      }
      list.add(Reports.finding(i, 1, block));
    }
    String md = MarkdownReport.render(Reports.report(list), 5000);
    assertThat(md.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(MarkdownReport.MAX_BYTES);
    assertThat(md).containsPattern("\\d+ more findings not shown");
    // What is there is still well-formed: the folded list is closed.
    assertThat(md).contains("</details>").endsWith("</sub>\n");
  }

  @Test
  void shouldSaySoWhenNothingWasFound() {
    String md = MarkdownReport.render(Reports.report(List.of()), 20);
    assertThat(md).contains("No failure found").contains("req-20261202-101010-abcdef");
  }
}
