package dev.destill.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.engine.LineTemplates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselineTemplatesTest {

  /** A log whose lines cross block boundaries, one line longer than a block, no final newline. */
  private static byte[] log(long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (b.length() < 3 * BaselineTemplates.BLOCK) {
      switch (r.nextInt(6)) {
        case 0 ->
            b.append("2024-05-21T10:00:00.")
                .append(r.nextInt(9999))
                .append("Z step ")
                .append(i % 997);
        case 1 ->
            b.append("Test").append(i % 503).append(" > should").append(i % 37).append(" PASSED");
        case 2 -> b.append("caf\u00e9 ").append(i % 211).append(" r\u00e9sultat");
        case 3 -> b.append("\u001b[32mok\u001b[0m /tmp/build-").append(i % 89).append("/x");
        case 4 -> b.append("");
        default -> b.append("word").append(i % 1999).append(" and more words here");
      }
      if (i == 500) {
        b.append("x".repeat(BaselineTemplates.BLOCK + 12_345));
      }
      b.append('\n');
      i++;
    }
    b.append("a last line without its end");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> lines(byte[] log) {
    return List.of(new String(log, StandardCharsets.UTF_8).split("\n", -1));
  }

  @Test
  void shouldBuildTheSameSetOnAnyNumberOfThreads() throws IOException {
    byte[] log = log(7);
    LineTemplates one = BaselineTemplates.read(new ByteArrayInputStream(log), 1);
    for (int workers : new int[] {2, 3, 4}) {
      // A stream that gives odd-sized reads, as a network stream does.
      LineTemplates many = BaselineTemplates.read(new Trickle(log, 70_001), workers);
      assertThat(many.lines()).as("lines with %d workers", workers).isEqualTo(one.lines());
      assertThat(many.templates()).isEqualTo(one.templates());
      assertThat(many.saturated()).isFalse();
      for (String line : lines(log)) {
        assertThat(many.match(line)).as("line %s", line).isEqualTo(one.match(line));
      }
      assertThat(many.match("a last line without its end")).isEqualTo(LineTemplates.Match.KNOWN);
    }
    assertThat(one.match("2024-05-21T10:00:00.1Z step 4")).isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(one.match("nothing like the baseline at all")).isEqualTo(LineTemplates.Match.NEW);
  }

  @Test
  void shouldReadAnEmptyLogAndOneOfOnlyNewlines() throws IOException {
    assertThat(BaselineTemplates.read(new ByteArrayInputStream(new byte[0]), 2).lines()).isZero();
    byte[] newlines =
        "\n".repeat(2 * BaselineTemplates.BLOCK + 3).getBytes(StandardCharsets.US_ASCII);
    LineTemplates t = BaselineTemplates.read(new ByteArrayInputStream(newlines), 2);
    assertThat(t.lines()).isEqualTo(2L * BaselineTemplates.BLOCK + 3);
    assertThat(t.templates()).isZero();
  }

  @Test
  void shouldPassOnAReadErrorAndStopItsThreads() {
    InputStream broken =
        new InputStream() {
          private int left = 3 * BaselineTemplates.BLOCK;

          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
              throw new IOException("connection reset");
            }
            int n = Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) '\n');
            left -= n;
            return n;
          }
        };
    int before = baselineThreads();
    assertThatThrownBy(() -> BaselineTemplates.read(broken, 2)).hasMessage("connection reset");
    assertThat(baselineThreads()).isLessThanOrEqualTo(before);
  }

  private static int baselineThreads() {
    List<Thread> alive = new ArrayList<>(Thread.getAllStackTraces().keySet());
    return (int) alive.stream().filter(t -> t.getName().equals("destill-baseline")).count();
  }

  /** Gives at most {@code step} bytes per read. */
  private static final class Trickle extends InputStream {
    private final byte[] data;
    private final int step;
    private int at;

    Trickle(byte[] data, int step) {
      this.data = data;
      this.step = step;
    }

    @Override
    public int read() {
      return at < data.length ? data[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, step), data.length - at);
      System.arraycopy(data, at, b, off, n);
      at += n;
      return n;
    }
  }
}
