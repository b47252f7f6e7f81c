package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineCleanerTest {

  @Test
  void shouldRemoveAnsiColourCodes() {
    assertThat(LineCleaner.visible("\u001b[1;31m[ERROR]\u001b[m build failed\u001b[0K"))
        .isEqualTo("[ERROR] build failed");
  }

  @Test
  void shouldKeepLastVisibleSegmentOfProgressOutput() {
    assertThat(LineCleaner.visible("Downloading 10%\rDownloading 55%\rDownloading 100%"))
        .isEqualTo("Downloading 100%");
  }

  @Test
  void shouldTreatTrailingCarriageReturnAsLineEndNotProgress() {
    assertThat(LineCleaner.visible("error: boom\r")).isEqualTo("error: boom");
    assertThat(LineCleaner.visible("error: boom\r\r")).isEqualTo("error: boom");
  }

  @Test
  void shouldIgnoreEmptySegmentsAfterCarriageReturn() {
    assertThat(LineCleaner.visible("travis_fold:end:install\r\u001b[0K"))
        .isEqualTo("travis_fold:end:install");
  }

  @Test
  void shouldStripBuildkiteTimestamps() {
    assertThat(LineCleaner.visible("\u001b_bk;t=1718100000211\u0007$ go test ./..."))
        .isEqualTo("$ go test ./...");
    assertThat(LineCleaner.visible("_bk;t=1718100000211\u0007FAIL")).isEqualTo("FAIL");
  }

  @Test
  void shouldReplaceInvalidUtf8() {
    byte[] raw = {'e', 'r', (byte) 0xff, (byte) 0xfe, 'r'};
    assertThat(LineCleaner.visible(raw, 0, raw.length, raw.length)).isEqualTo("er\ufffd\ufffdr");
  }

  @Test
  void shouldSayHowMuchOfALongLineWasLeftOut() {
    byte[] raw = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
    assertThat(LineCleaner.visible(raw, 0, 10, 100)).isEqualTo("xxxxxxxxxx [... 90 more bytes]");
  }

  @Test
  void shouldStripGithubTimestampAndMarkers() {
    assertThat(
            LineCleaner.stripDecorations(
                "2026-04-22T16:09:37.3317193Z ##[error]Process completed with exit code 1."))
        .isEqualTo("Process completed with exit code 1.");
    assertThat(LineCleaner.stripPrefix("2026-04-22T16:09:37.3317193Z     at Foo.bar(Foo.java:1)"))
        .isEqualTo("    at Foo.bar(Foo.java:1)");
    assertThat(LineCleaner.stripDecorations("travis_time:start:0a1b")).isEmpty();
  }

  @Test
  void shouldStripCharsetDesignations() {
    // tput sgr0 prints ESC ( B before the reset.
    assertThat(LineCleaner.visible("\u001b[1mbold\u001b(B\u001b[m text")).isEqualTo("bold text");
    assertThat(LineCleaner.stripAnsi("a\u001b(Bb\u001b)0c")).isEqualTo("abc");
  }
}
