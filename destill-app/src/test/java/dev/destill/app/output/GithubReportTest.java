package dev.destill.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GithubReportTest {

  static String render(List<Finding> findings, int top, String workspace) {
    StringWriter out = new StringWriter();
    GithubReport.write(Reports.report(findings), top, workspace, new PrintWriter(out));
    return out.toString();
  }

  @Test
  void shouldAnnotateTheSourceFileAndLineOfACompileError() {
    Finding f =
        Reports.finding(
            0,
            1,
            List.of(
                "2024-05-01T10:00:00.1234567Z ##[error][ERROR] /home/runner/work/shop/shop/src/main/java/Cart.java:[87,29] cannot find symbol",
                "  symbol:   method applyDiscount"));
    String out = render(List.of(f), 20, "/home/runner/work/shop/shop");
    List<String> lines = out.lines().toList();
    assertThat(lines.get(0))
        .startsWith(
            "::error file=src/main/java/Cart.java,line=87,col=29,title=destill #1 (error%2C 0.99) in Run mvn -B verify::")
        .contains(
            "[ERROR] /home/runner/work/shop/shop/src/main/java/Cart.java:[87,29] cannot find symbol%0A  symbol:   method applyDiscount")
        .doesNotContain("2024-05-01")
        .doesNotContain("##[error]");
    assertThat(lines.get(1)).startsWith("::notice title=destill::1 finding in acme/shop #42");
    assertThat(lines.get(1)).contains("req-20261202-101010-abcdef");
  }

  @Test
  void shouldEscapeAsTheRunnerReadsCommands() {
    assertThat(GithubReport.data("50% done\r\nnext")).isEqualTo("50%25 done%0D%0Anext");
    assertThat(GithubReport.property("a:b,c%\n")).isEqualTo("a%3Ab%2Cc%25%0A");
    Finding f = Reports.finding(0, 1, List.of("fail: 100% at a:b, c", "::add-mask::x"));
    String line = render(List.of(f), 20, "").lines().findFirst().orElseThrow();
    // A log line cannot start a command of its own: it stays inside the escaped message.
    assertThat(line).contains("fail: 100%25 at a:b, c%0A::add-mask::x");
    assertThat(render(List.of(f), 20, "").lines()).hasSize(2);
  }

  @Test
  void shouldKeepWithinTenAnnotationsOfEachType() {
    List<Finding> list = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      list.add(Reports.finding(i, 1, List.of("error " + i)));
    }
    for (int i = 15; i < 30; i++) {
      list.add(Reports.finding(i, 2, List.of("warning " + i)));
    }
    list.add(Reports.finding(30, 3, List.of("noise")));
    List<String> lines = render(list, 100, "").lines().toList();
    assertThat(lines.stream().filter(l -> l.startsWith("::error "))).hasSize(10);
    assertThat(lines.stream().filter(l -> l.startsWith("::warning "))).hasSize(10);
    assertThat(lines.stream().filter(l -> l.startsWith("::notice "))).hasSize(1);
    assertThat(String.join("\n", lines)).doesNotContain("noise");
  }

  @Test
  void shouldFindLocationsOfOtherToolsAndNoneWhereThereIsNone() {
    assertThat(
            GithubReport.location(
                Reports.finding(0, 1, List.of("src/app.ts(12,7): error TS2304: x")), ""))
        .contains(new GithubReport.Location("src/app.ts", 12, 7));
    assertThat(
            GithubReport.location(
                Reports.finding(
                    0,
                    1,
                    List.of(
                        "Traceback (most recent call last):", "  File \"app/x.py\", line 3, in f")),
                ""))
        .contains(new GithubReport.Location("app/x.py", 3, 0));
    assertThat(GithubReport.location(Reports.finding(0, 1, List.of("BUILD FAILURE")), ""))
        .isEmpty();
    String line =
        render(List.of(Reports.finding(0, 1, List.of("BUILD FAILURE"))), 5, "")
            .lines()
            .findFirst()
            .orElseThrow();
    assertThat(line).startsWith("::error title=").doesNotContain("file=");
  }
}
