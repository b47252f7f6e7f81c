package dev.destill.core.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.provider.TestReport;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JUnitParserTest {

  private static JUnitResult parse(String xml) {
    return JUnitParser.parse(
        "unit", new TestReport("report.xml", xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldTurnEachFailureAndErrorIntoAFindingWithFullConfidence() {
    JUnitResult r =
        parse(
            """
        <testsuite name="com.acme.CartTest" tests="3">
          <testcase classname="com.acme.CartTest" name="adds"/>
          <testcase classname="com.acme.CartTest" name="removes">
            <failure message="expected: &lt;0&gt; but was: &lt;1&gt;" type="AssertionFailedError">at com.acme.CartTest.removes(CartTest.java:52)</failure>
          </testcase>
          <testcase classname="com.acme.CartTest" name="totals"><error message="NPE" type="java.lang.NullPointerException"/></testcase>
        </testsuite>""");
    assertThat(r.testCases()).isEqualTo(3);
    assertThat(r.findings()).hasSize(2);
    Finding f = r.findings().get(0);
    assertThat(f.confidence()).isEqualTo(1.0);
    assertThat(f.test())
        .hasValueSatisfying(
            t -> {
              assertThat(t.name()).isEqualTo("removes");
              assertThat(t.className()).isEqualTo("com.acme.CartTest");
            });
    assertThat(f.message()).contains("expected: <0> but was: <1>");
    assertThat(f.postContext()).containsExactly("at com.acme.CartTest.removes(CartTest.java:52)");
    assertThat(f.normalized()).startsWith("com.acme.CartTest::removes::");
  }

  @Test
  void shouldReadNestedSuitesAndPytestAndJestShapes() {
    JUnitResult r =
        parse(
            """
        <testsuites>
          <testsuite name="outer"><testsuite name="tests.test_tax" file="tests/test_tax.py">
            <testcase classname="tests.test_tax" name="test_rate" file="tests/test_tax.py" line="12">
              <failure message="assert 0.2 == 0.19">tests/test_tax.py:14: AssertionError</failure>
            </testcase>
          </testsuite></testsuite>
          <testsuite name="Cart component">
            <testcase classname="Cart component removes item" name="Cart component removes item" time="0.01">
              <failure><![CDATA[Error: expect(received).toBe(expected)]]></failure>
            </testcase>
          </testsuite>
        </testsuites>""");
    assertThat(r.findings()).hasSize(2);
    assertThat(r.findings().get(0).test().orElseThrow().file()).isEqualTo("tests/test_tax.py");
    assertThat(r.findings().get(1).message()).contains("expect(received).toBe(expected)");
  }

  @Test
  void shouldHashTheSameFailureTheSameAcrossBuilds() {
    String a =
        "<testsuite><testcase classname='A' name='t'><failure message='timeout after 31ms'/></testcase></testsuite>";
    String b =
        "<testsuite><testcase classname='A' name='t'><failure message='timeout after 48ms'/></testcase></testsuite>";
    assertThat(parse(a).findings().get(0).hash()).isEqualTo(parse(b).findings().get(0).hash());
  }

  @Test
  void shouldRefuseExternalEntities() {
    JUnitResult r =
        parse(
            """
        <?xml version="1.0"?>
        <!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <testsuite><testcase classname="A" name="t"><failure message="&xxe;"/></testcase></testsuite>""");
    assertThat(r.findings()).allSatisfy(f -> assertThat(f.message()).doesNotContain("root:"));
    assertThat(r.warnings()).isNotEmpty();
  }

  @Test
  void shouldRefuseEntityExpansion() {
    StringBuilder xml =
        new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i < 10; i++) {
      xml.append("<!ENTITY lol")
          .append(i)
          .append(" \"")
          .append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
          .append("\">");
    }
    xml.append(
        "]><testsuite><testcase classname='A' name='t'><failure message='&lol9;'/></testcase></testsuite>");
    JUnitResult r = parse(xml.toString());
    assertThat(r.warnings()).isNotEmpty();
    assertThat(r.findings()).allSatisfy(f -> assertThat(f.message().length()).isLessThan(10_000));
  }

  @Test
  void shouldWarnOnMalformedXmlAndKeepWhatWasRead() {
    JUnitResult r =
        parse(
            "<testsuite><testcase classname='A' name='t'><failure message='boom'/></testcase><testcase");
    assertThat(r.findings()).hasSize(1);
    assertThat(r.warnings()).singleElement().asString().contains("report.xml");
  }

  @Test
  void shouldWarnOnBinaryJunk() {
    JUnitResult r =
        JUnitParser.parse("unit", new TestReport("junk.xml", new byte[] {0, 1, 2, (byte) 0xff, 3}));
    assertThat(r.findings()).isEmpty();
    assertThat(r.warnings()).hasSize(1);
  }

  @Test
  void shouldCutAHugeMessageWithAWarningAndKeepTheFinding() {
    String huge = "boom ".repeat(4 << 20);
    JUnitResult r =
        parse(
            "<testsuite><testcase classname=\"A\" name=\"t\"><failure message=\""
                + huge
                + "\"/></testcase></testsuite>");
    assertThat(r.findings()).hasSize(1);
    Finding f = r.findings().get(0);
    assertThat(f.normalized().length()).isLessThan(JUnitParser.MAX_MESSAGE_CHARS + 100);
    assertThat(r.warnings()).singleElement().asString().contains("cut");
  }

  @Test
  void shouldWarnWhenAReportHasMoreFailuresThanAreKept() {
    StringBuilder xml = new StringBuilder("<testsuite>");
    for (int i = 0; i < JUnitParser.MAX_FINDINGS + 5; i++) {
      xml.append("<testcase classname=\"A\" name=\"t")
          .append(i)
          .append("\"><failure message=\"no\"/></testcase>");
    }
    JUnitResult r = parse(xml.append("</testsuite>").toString());
    assertThat(r.findings()).hasSize(JUnitParser.MAX_FINDINGS);
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .contains(String.valueOf(JUnitParser.MAX_FINDINGS + 5))
        .contains("kept the first " + JUnitParser.MAX_FINDINGS);
  }
}
