package dev.destill.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  private record Cut(byte[] copy, List<Chunker.Range> ranges, long lines) {}

  private static Cut cut(byte[] log, int target, int feed) {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    Chunker c = new Chunker(target, copy::write, r -> {});
    for (int i = 0; i < log.length; i += feed) {
      c.accept(log, i, Math.min(feed, log.length - i));
    }
    List<Chunker.Range> ranges = c.finish();
    return new Cut(copy.toByteArray(), ranges, c.lines());
  }

  private static String log(int lines, Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      sb.append("line ").append(i).append(' ').append("x".repeat(rnd.nextInt(80))).append('\n');
    }
    return sb.toString();
  }

  @Test
  void shouldGiveEveryLineToExactlyOneChunk() {
    Random rnd = new Random(7);
    for (int round = 0; round < 50; round++) {
      int lines = 1 + rnd.nextInt(3000);
      byte[] log = log(lines, rnd).getBytes(StandardCharsets.UTF_8);
      Cut cut = cut(log, 200 + rnd.nextInt(5000), 1 + rnd.nextInt(9000));
      assertThat(cut.lines()).isEqualTo(lines);
      long next = 1;
      for (Chunker.Range r : cut.ranges()) {
        assertThat(r.ownFrom()).isEqualTo(next);
        assertThat(r.ownTo()).isGreaterThanOrEqualTo(r.ownFrom());
        next = r.ownTo() + 1;
      }
      assertThat(next - 1).isEqualTo(lines);
      assertThat(cut.copy()).isEqualTo(log);
    }
  }

  @Test
  void shouldCarryTwentyLinesBeforeAndThirtyAfterItsOwnLines() {
    Random rnd = new Random(3);
    byte[] log = log(2000, rnd).getBytes(StandardCharsets.UTF_8);
    String[] all = new String(log, StandardCharsets.UTF_8).split("\n");
    Cut cut = cut(log, 4000, 777);
    assertThat(cut.ranges()).hasSizeGreaterThan(10);
    for (Chunker.Range r : cut.ranges()) {
      String data =
          new String(
              Arrays.copyOfRange(cut.copy(), (int) r.from(), (int) r.to()), StandardCharsets.UTF_8);
      String[] lines = data.split("\n");
      long last = Math.min(all.length, r.ownTo() + Chunker.TRAIL);
      assertThat(r.firstLine()).isEqualTo(Math.max(1, r.ownFrom() - Chunker.LEAD));
      assertThat(lines).hasSize((int) (last - r.firstLine() + 1));
      for (int i = 0; i < lines.length; i++) {
        assertThat(lines[i]).isEqualTo(all[(int) (r.firstLine() - 1 + i)]);
      }
    }
  }

  @Test
  void shouldKeepChunksBoundedWhenOneLineIsHuge() {
    byte[] huge = new byte[10 << 20];
    Arrays.fill(huge, (byte) 'a');
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    log.writeBytes("before\n".getBytes(StandardCharsets.UTF_8));
    log.writeBytes(huge);
    log.writeBytes("\nERROR after\n".getBytes(StandardCharsets.UTF_8));
    Cut cut = cut(log.toByteArray(), Chunker.DEFAULT_TARGET_BYTES, 1 << 16);
    assertThat(cut.lines()).isEqualTo(3);
    assertThat(cut.copy().length).isLessThan(Chunker.LINE_CAP + 100);
    assertThat(new String(cut.copy(), StandardCharsets.UTF_8)).endsWith("\nERROR after\n");
  }

  @Test
  void shouldCountALastLineWithoutNewline() {
    Cut cut = cut("a\nb\nc".getBytes(StandardCharsets.UTF_8), 1, 2);
    assertThat(cut.lines()).isEqualTo(3);
    List<Long> owners = new ArrayList<>();
    cut.ranges().forEach(r -> owners.add(r.ownTo()));
    assertThat(owners).containsExactly(1L, 2L, 3L);
  }

  @Test
  void shouldCutAnEmptyLogIntoNoChunks() {
    assertThat(cut(new byte[0], 100, 10).ranges()).isEmpty();
  }
}
