package dev.destill.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.provider.internal.SafeZip;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeZipTest {
  static final byte[] REPORT =
      "<testsuite><testcase classname='A' name='t'><failure message='boom'/></testcase></testsuite>"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldReadOnlyJunitXmlEntries() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("target/surefire-reports/TEST-A.xml", REPORT);
    entries.put("target/app.jar", new byte[] {1, 2, 3});
    entries.put("pom.xml", "<project/>".getBytes(StandardCharsets.UTF_8));
    SafeZip.Result r = SafeZip.testReports("reports", Zips.zip(entries));
    assertThat(r.reports())
        .singleElement()
        .satisfies(t -> assertThat(t.name()).endsWith("TEST-A.xml"));
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void shouldSkipEntriesThatTryToLeaveTheArchive() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("../../etc/evil.xml", REPORT);
    entries.put("/abs/evil.xml", REPORT);
    entries.put("ok/TEST-B.xml", REPORT);
    SafeZip.Result r = SafeZip.testReports("reports", Zips.zip(entries));
    assertThat(r.reports())
        .singleElement()
        .satisfies(t -> assertThat(t.name()).endsWith("ok/TEST-B.xml"));
    assertThat(r.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("unsafe name"));
  }

  @Test
  void shouldStopAtAZipBomb() {
    SafeZip.Result r = SafeZip.testReports("bomb", Zips.bomb("TEST-huge.xml", 80 << 20));
    assertThat(r.reports()).isEmpty();
    assertThat(r.warnings()).singleElement().asString().contains("zip bomb");
  }

  @Test
  void shouldSkipEntriesWithAnExtremeCompressionRatio() {
    SafeZip.Result r = SafeZip.testReports("ratio", Zips.bomb("TEST-zeros.xml", 8 << 20));
    assertThat(r.reports()).isEmpty();
    assertThat(r.warnings()).singleElement().asString().contains("compresses");
  }

  @Test
  void shouldWarnOnSomethingThatIsNotAZip() {
    SafeZip.Result r =
        SafeZip.testReports("junk", "not a zip at all".getBytes(StandardCharsets.UTF_8));
    assertThat(r.reports()).isEmpty();
  }
}
