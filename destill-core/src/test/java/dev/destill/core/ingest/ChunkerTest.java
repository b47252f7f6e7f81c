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

  private static String text(Cut cut) {
    return new String(cut.copy(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldMaskAPrivateKeyBodyWhateverChunkItFallsIn() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      log.append("line ").append(i).append('\n');
    }
    log.append("-----BEGIN RSA PRIVATE KEY-----\n");
    for (int i = 0; i < 30; i++) {
      log.append("MIIEowIBAAKCAQEAq7BFUpkGp3MtX6Zt5BzZJ9N1Lx0C2WkEqvB3H0v8b3xA0n")
          .append(i)
          .append('\n');
    }
    log.append("-----END RSA PRIVATE KEY-----\nafter\n");
    for (int feed : new int[] {1, 7, 64, 1 << 16}) {
      Cut cut = cut(log.toString().getBytes(StandardCharsets.UTF_8), 100, feed);
      assertThat(cut.ranges()).hasSizeGreaterThan(3);
      assertThat(text(cut))
          .doesNotContain("MIIEow")
          .contains("-----END RSA PRIVATE KEY-----\nafter");
      assertThat(cut.lines()).isEqualTo(73);
    }
  }

  @Test
  void shouldKeepTheKeywordOfALongLineAndSayHowMuchIsMissing() {
    String line = "a".repeat(40_000) + " ERROR: deep failure " + "b".repeat(30_000);
    byte[] log = ("before\n" + line + "\nafter\n").getBytes(StandardCharsets.UTF_8);
    for (int feed : new int[] {100, 4096, 1 << 16}) {
      Cut cut = cut(log, Chunker.DEFAULT_TARGET_BYTES, feed);
      String kept = text(cut).lines().toList().get(1);
      assertThat(kept.length()).isLessThanOrEqualTo(Chunker.LINE_CAP);
      assertThat(kept).contains("ERROR: deep failure");
      String mark = kept.substring(kept.indexOf(Chunker.CUT_MARK) + Chunker.CUT_MARK.length());
      long total = Long.parseLong(mark.substring(0, mark.length() - 1));
      int gap = kept.indexOf(" bytes] ") + " bytes] ".length() - kept.indexOf(" [... ");
      // The full length, as if the gap marker were part of the line.
      assertThat(total).isEqualTo(line.length() + gap);
    }
  }
}
