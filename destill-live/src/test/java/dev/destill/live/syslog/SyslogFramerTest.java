package dev.destill.live.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFramerTest {
  private static List<String> feedByteByByte(SyslogFramer f, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < b.length; i++) {
      for (byte[] m : f.feed(b, i, 1)) {
        out.add(new String(m, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void shouldReadOctetCountedFramesAcrossReads() {
    SyslogFramer f = new SyslogFramer(1024);
    assertThat(feedByteByByte(f, "11 <13>1 a\nb c5 <1>xy"))
        .containsExactly("<13>1 a\nb c", "<1>xy");
    assertThat(f.midFrame()).isFalse();
  }

  @Test
  void shouldReadNewlineFramesAndALastLineWithoutItsEnd() {
    SyslogFramer f = new SyslogFramer(1024);
    byte[] b = "<13>one\r\n<13>two\n<13>three".getBytes(StandardCharsets.UTF_8);
    List<byte[]> got = new ArrayList<>(f.feed(b, 0, b.length));
    got.addAll(f.end());
    assertThat(got)
        .extracting(x -> new String(x, StandardCharsets.UTF_8))
        .containsExactly("<13>one\r", "<13>two", "<13>three");
  }

  @Test
  void shouldSkipOversizedCountedFramesAndCutOversizedLines() {
    SyslogFramer f = new SyslogFramer(16);
    String big = "<13>" + "x".repeat(30);
    String s = big.length() + " " + big + "6 <13>ok" + "<13>" + "y".repeat(40) + "\n<13>after\n";
    assertThat(feedByteByByte(f, s))
        .containsExactly("<13>ok", "<13>" + "y".repeat(12), "<13>after");
    assertThat(f.oversized()).isEqualTo(2);
  }
}
