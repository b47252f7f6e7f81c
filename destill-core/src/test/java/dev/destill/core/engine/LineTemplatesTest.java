package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineTemplatesTest {

  private static LineTemplates of(String log) {
    byte[] b = log.getBytes(StandardCharsets.UTF_8);
    LineTemplates.Builder builder = LineTemplates.builder();
    // In two pieces, cut inside a line: the builder splits lines itself.
    builder.accept(b, 0, b.length / 2).accept(b, b.length / 2, b.length - b.length / 2);
    return builder.build();
  }

  private static final String BASELINE =
      """
      2024-05-01T10:00:01.1234567Z [INFO] Downloading from central: https://repo/a/b/c-1.2.3.pom
      2024-05-01T10:00:02.0000000Z [INFO] Tests run: 42, Failures: 0, Errors: 0, Skipped: 1
      2024-05-01T10:00:03.0000000Z [INFO] Building jar: /home/runner/work/shop/target/shop-1.0.jar
      Using temporary directory tmpa81kq3x for the build cache
      [WARNING] deprecated API used
      """;

  @Test
  void shouldKnowLinesInAnyOrder() {
    LineTemplates t = of(BASELINE);
    assertThat(t.match("[WARNING] deprecated API used")).isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(
            t.match(
                "2024-06-09T11:12:13.0000000Z [INFO] Downloading from central: https://repo/a/b/c-1.2.3.pom"))
        .isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(t.lines()).isEqualTo(5);
  }

  @Test
  void shouldKnowLinesWhoseNumbersTimesAndPathsChanged() {
    LineTemplates t = of(BASELINE);
    assertThat(
            t.match(
                "2025-01-02T03:04:05.9Z [INFO] Tests run: 57, Failures: 0, Errors: 0, Skipped: 3"))
        .isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(t.match("[INFO] Building jar: /tmp/build-77/shop/target/shop-1.1.jar"))
        .isEqualTo(LineTemplates.Match.KNOWN);
  }

  @Test
  void shouldCallALineWithOnlyARenamedTemporaryNameNear() {
    LineTemplates t = of(BASELINE);
    assertThat(t.match("Using temporary directory tmpzz91b0q for the build cache"))
        .isEqualTo(LineTemplates.Match.NEAR);
  }

  @Test
  void shouldCallOtherLinesNew() {
    LineTemplates t = of(BASELINE);
    assertThat(t.match("[ERROR] cannot find symbol applyDiscount"))
        .isEqualTo(LineTemplates.Match.NEW);
    assertThat(t.match("[INFO] Tests run: 42, Failures: 2, Errors: 0"))
        .isEqualTo(LineTemplates.Match.NEW);
    assertThat(t.match("   ")).isEqualTo(LineTemplates.Match.BLANK);
  }

  @Test
  void shouldNotMatchShortSkeletons() {
    LineTemplates t = of("ok 12\n");
    assertThat(t.match("ok 13")).isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(t.match("ok x13")).isEqualTo(LineTemplates.Match.NEW);
  }

  @Test
  void shouldStopAddingWhenFullAndSaySo() {
    LineTemplates.Builder b = LineTemplates.builder(1 << 10, 1 << 10);
    for (int i = 0; i < 2000; i++) {
      b.add("line " + Integer.toString(i, 26).replaceAll("[0-9]", "q"));
    }
    LineTemplates t = b.build();
    assertThat(t.saturated()).isTrue();
    assertThat(t.templates()).isLessThanOrEqualTo(512);
    assertThat(t.bytes()).isLessThanOrEqualTo(16L << 10);
    assertThat(t.lines()).isEqualTo(2000);
  }

  @Test
  void shouldStayWithinItsMemoryBound() {
    assertThat(LineTemplates.MAX_BYTES).isLessThanOrEqualTo(64L << 20);
  }

  @Test
  void shouldReadBackWhatItWrote() {
    LineTemplates t = of(BASELINE);
    LineTemplates back = LineTemplates.fromBytes(t.toBytes());
    assertThat(back.templates()).isEqualTo(t.templates());
    assertThat(back.lines()).isEqualTo(t.lines());
    assertThat(back.match("[WARNING] deprecated API used")).isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(back.match("Using temporary directory tmp9x for the build cache"))
        .isEqualTo(LineTemplates.Match.NEAR);
    assertThatThrownBy(() -> LineTemplates.fromBytes(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
