package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The byte path gives the template the String path gives, line for line. */
class ByteTemplateTest {

  private final ByteTemplate bytes = new ByteTemplate();

  /** Checks one line; true when the byte path took it. */
  private boolean same(byte[] line, int len, long total) {
    String expected = Normalizer.normalize(LineCleaner.visible(line, 0, len, total));
    if (!bytes.template(line, 0, len, total)) {
      return false;
    }
    assertThat(bytes.text()).as("template of %s", show(line, len)).isEqualTo(expected);
    assertThat(bytes.hash()).isEqualTo(LineTemplates.hash(expected));
    assertThat(bytes.skeleton()).isEqualTo(LineTemplates.skeleton(expected));
    return true;
  }

  private boolean same(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return same(b, b.length, b.length);
  }

  private static String show(byte[] line, int len) {
    return new String(line, 0, len, StandardCharsets.ISO_8859_1)
        .replace("\u001b", "\\e")
        .replace("\r", "\\r")
        .replace("\t", "\\t");
  }

  @Test
  void shouldTemplateTheLinesOfEveryKindLikeTheNormalizer() {
    List<String> lines =
        List.of(
            "2024-05-21T10:00:00.0310464Z SessionFilterTest > shouldSaveWhenValidInput() PASSED",
            "2024-05-21T10:00:00.0456245Z 25 actionable tasks: 2 executed, 139 up-to-date",
            "2024-05-21T10:00:00Z BUILD SUCCESSFUL in 8m 14s",
            "2024-05-21T10:00:00+02:00 done",
            "2024-05-21T10:00:00.5",
            "##[group]Run actions/checkout@v4",
            "2024-05-21T10:00:00.1Z ##[error]Process completed with exit code 1.",
            "travis_fold:start:install",
            "   indented\tline with\ttabs   ",
            "\u001b[31mERROR\u001b[0m: build-42 failed at host:8080 after 1.5s",
            "\u001b]0;title\u0007visible \u001b(Btext",
            "_bk;t=1700000000000\u0007~~~ Running tests",
            "\u001b_bk;t=1700000000000\u0007+++ :pytest: tests",
            "\u001b_bk;t=1716285658345\u0007RetryTest > shouldRetry() \u001b[32mPASSED\u001b[0m",
            "\u001b_bk;t=1716285658345 no bell, the escape runs on\u0007 to here",
            "_bk;t=1716285658345\u0007 2 passed in 0.41s",
            "50%\r75%\r100% done\r\r",
            "text\r\u001b[K\r",
            "id 123e4567-e89b-12d3-a456-426614174000 at 0x7ffdeadbeef, sha 0123456789abcdef01",
            "from 10.0.0.1:5432 at 12:34:56.789 took 250ms and 3 mins, v8 Test2 x2y",
            "/home/runner/work/app/app/src/Main.kt: (88, 11): Parameter 'ctx' is never used",
            "C:\\Users\\runner\\tmp\\file.txt and /a and a/b and /x",
            "end. of: sentence- ... --- ::: ",
            "<not a placeholder> <abcdefghij> <n>",
            "",
            "     ",
            "\u007f\u0001\u0002bell");
    for (String l : lines) {
      assertThat(same(l)).as("byte path for %s", l).isTrue();
    }
  }

  @Test
  void shouldTemplateUtf8LinesLikeTheNormalizer() {
    List<String> lines =
        List.of(
            "2024-05-21T10:00:22.2382926Z     \u2713 renders loading state (98 ms)",
            "  \u2715 fails at caf\u00e9 r\u00e9sultat",
            "\u4e2d\u6587 \u65e5\u672c\u8a9e words \ud83d\ude00 emoji \ud835\udc00 bold",
            "\u2003 em spaces \u2003\u3000",
            "\u00a0 no-break spaces stay \u00a0",
            "\u2514\u2500\u2500 tree \u2502 lines",
            "<\u00e9\u00e9> <\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9> placeholders",
            "x \u0660\u0661 arabic digits \u00e9t\u00e9",
            "##[group]\u2713 marker after ascii");
    for (String l : lines) {
      assertThat(same(l)).as("byte path for %s", l).isTrue();
    }
  }

  @Test
  void shouldLeaveInvalidUtf8UnsureTokensAndCutLinesToTheStringPath() {
    byte[] inEscape = "a\u001b]0;\u00e9\u0007b".getBytes(StandardCharsets.UTF_8);
    byte[] invalid = {'o', 'k', (byte) 0xff, 'x'};
    byte[] overlong = {'a', (byte) 0xc0, (byte) 0xaf};
    byte[] surrogate = {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80};
    // A token with a letter outside ASCII and a digit is counted in characters: the String path.
    byte[] mixed = "build-\u00e942".getBytes(StandardCharsets.UTF_8);
    // Where the timestamp test reads, a character outside ASCII may be a digit.
    byte[] stamp = "\u0662024-05-21T10:00:00Z x".getBytes(StandardCharsets.UTF_8);
    for (byte[] b : List.of(inEscape, invalid, overlong, surrogate, mixed, stamp)) {
      assertThat(same(b, b.length, b.length)).as("byte path for %s", show(b, b.length)).isFalse();
    }
    byte[] cut = "a long line".getBytes(StandardCharsets.US_ASCII);
    assertThat(bytes.template(cut, 0, cut.length, cut.length + 100)).isFalse();
  }

  @Test
  void shouldAgreeOnRandomLinesMadeOfTheTokensThatMatter() {
    String[] parts = {
      "2024-05-21T10:00:00.0310464Z ",
      "2024-05-21 10:00:00",
      "12:00:01",
      "0x1F",
      "0xZZ",
      "deadbeefcafe1234",
      "123e4567-e89b-12d3-a456-426614174000",
      "10.1.2.3",
      "10.1.2.3:80",
      "/tmp/x",
      "a/b/c",
      "\\\\srv\\share",
      "C:\\x",
      "5ms",
      "1.5s",
      "3secs",
      "2mins",
      "7h",
      "9x",
      "42",
      "3.14",
      "v1.2.3",
      "build-42",
      "host:8080",
      "Test2",
      "x_1",
      "a@b",
      "c+d",
      "~e",
      "##[",
      "]",
      "travis_",
      "<n>",
      "<",
      ">",
      "-----",
      ".",
      ":",
      "-",
      ",",
      "(",
      ")",
      "'",
      "\"",
      " ",
      "  ",
      "\t",
      "\r",
      "\u001b[1;31m",
      "\u001b[0m",
      "\u001b]8;;http://x\u0007",
      "\u001b(B",
      "\u001b",
      "_bk;t=123\u0007",
      "\u001b_bk;t=1716285658332\u0007",
      "_bk;t=",
      "\u0000",
      "\u007f",
      "ERROR",
      "failed",
      "word",
      "\u00e9",
      "\u00b5s",
      "\u2713",
      "\u4e2d",
      "\u2003",
      "\u00a0",
      "\ud83d\ude00",
      "\u0660",
      "\u00e9t\u00e9",
      "<\u00e9>"
    };
    Random r = new Random(20261202);
    int taken = 0;
    for (int n = 0; n < 50_000; n++) {
      StringBuilder b = new StringBuilder();
      int count = r.nextInt(12);
      for (int k = 0; k < count; k++) {
        b.append(parts[r.nextInt(parts.length)]);
      }
      if (same(b.toString())) {
        taken++;
      }
    }
    assertThat(taken).as("most lines take the byte path").isGreaterThan(30_000);
  }

  /** One to {@code most} of {@code parts}, picked at random, as UTF-8. */
  private static byte[] randomLine(Random r, String[] parts, int most) {
    StringBuilder b = new StringBuilder();
    int count = 1 + r.nextInt(most);
    for (int k = 0; k < count; k++) {
      b.append(parts[r.nextInt(parts.length)]);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code line} with one in {@code oneIn} of the digits its key reads as {@code 1} changed: any
   * digit, but a zero with an {@code x} near it, which the key may keep (as its word does).
   */
  private static byte[] changeFoldedDigits(byte[] line, Random r, int oneIn) {
    byte[] changed = line.clone();
    for (int k = 0; k < changed.length; k++) {
      boolean nearX = false;
      for (int m = Math.max(0, k - 8); m < Math.min(changed.length, k + 9); m++) {
        nearX |= (changed[m] | 0x20) == 'x';
      }
      boolean fold = changed[k] >= '1' && changed[k] <= '9' || changed[k] == '0' && !nearX;
      if (fold && r.nextInt(oneIn) == 0) {
        changed[k] = (byte) (nearX ? '1' + r.nextInt(9) : '0' + r.nextInt(10));
      }
    }
    return changed;
  }

  @Test
  void shouldGiveLinesThatDifferInTheirDigitsOneKeyAndOneTemplateWhenNoDigitIsKept() {
    String[] parts = {
      "2024-05-21T10:00:00.0310464Z ",
      "_bk;t=1716285658332\u0007",
      "\u001b[32m",
      "0x1F",
      "10x2",
      "0X7",
      "100",
      "x0",
      "0",
      "deadbeefcafe1234",
      "123e4567-e89b-12d3-a456-426614174000",
      "10.1.2.3:80",
      "/tmp/run-12/x",
      "15ms",
      "3secs",
      "v1.2.3",
      "build-42",
      "sha256",
      "Test2",
      "$3When",
      "abc12def",
      "(204, 12):",
      " ",
      "\t",
      "word",
      "\u00e9",
      "\u0660",
      "-----",
      "\r",
      "42%\r",
      "\u001b[K"
    };
    Random r = new Random(20261203);
    ByteTemplate other = new ByteTemplate();
    int folded = 0;
    for (int n = 0; n < 50_000; n++) {
      byte[] line = randomLine(r, parts, 10);
      byte[] changed = changeFoldedDigits(line, r, 2);
      assertThat(ByteTemplate.key(changed, 0, changed.length, changed.length))
          .isEqualTo(ByteTemplate.key(line, 0, line.length, line.length));
      if (bytes.template(line, 0, line.length, line.length)
          && !bytes.keptDigits()
          && other.template(changed, 0, changed.length, changed.length)) {
        assertThat(other.text())
            .as("template of %s", show(changed, changed.length))
            .isEqualTo(bytes.text());
        assertThat(other.keptDigits()).isFalse();
        folded++;
      }
    }
    assertThat(folded).as("lines whose template keeps no digit").isGreaterThan(10_000);
    byte[] x = "build 12 of app".getBytes(StandardCharsets.US_ASCII);
    byte[] y = "build 12 of apq".getBytes(StandardCharsets.US_ASCII);
    byte[] z = "build 0x12 of app".getBytes(StandardCharsets.US_ASCII);
    byte[] ten = "build 10 of app".getBytes(StandardCharsets.US_ASCII);
    byte[] hex = "build 1x12 of app".getBytes(StandardCharsets.US_ASCII);
    assertThat(ByteTemplate.key(ten, 0, ten.length, ten.length))
        .isEqualTo(ByteTemplate.key(x, 0, x.length, x.length));
    assertThat(ByteTemplate.key(hex, 0, hex.length, hex.length))
        .isNotEqualTo(ByteTemplate.key(z, 0, z.length, z.length));
    // The x that follows a zero can be the next word's first byte.
    byte[] across = "build  0x12 of app".getBytes(StandardCharsets.US_ASCII);
    byte[] acrossOne = "build  1x12 of app".getBytes(StandardCharsets.US_ASCII);
    assertThat(ByteTemplate.key(across, 0, across.length, across.length))
        .isNotEqualTo(ByteTemplate.key(acrossOne, 0, acrossOne.length, acrossOne.length));
    assertThat(ByteTemplate.key(x, 0, x.length, x.length))
        .isNotEqualTo(ByteTemplate.key(y, 0, y.length, y.length))
        .isNotEqualTo(ByteTemplate.key(z, 0, z.length, z.length));
    String sha = "sha256 and sha512";
    byte[] a = sha.getBytes(StandardCharsets.US_ASCII);
    assertThat(bytes.template(a, 0, a.length, a.length)).isTrue();
    assertThat(bytes.keptDigits()).isTrue();
  }

  @Test
  void shouldGiveLinesWithOneKeyAndTheSameKeptDigitsOneTemplate() {
    String[] parts = {
      "2024-05-21T10:00:00.0310464Z ",
      "_bk;t=1716285658332\u0007",
      "amd64",
      "libpq5",
      "I0521",
      "$3When",
      "x86_64",
      "py3",
      "deb12u2",
      "a1b2c3d4e5",
      "e52a120",
      "main.bf8554f3.js",
      "v1234567890123456789x",
      "sha256:",
      "0x1F",
      "12",
      "3.11",
      "(98 ms)",
      "15ms",
      " ",
      "\t",
      "-",
      ":",
      "word",
      "\u001b[32m",
      "\u00e9"
    };
    Random r = new Random(20261204);
    ByteTemplate other = new ByteTemplate();
    int same = 0;
    int differ = 0;
    for (int n = 0; n < 50_000; n++) {
      byte[] line = randomLine(r, parts, 8);
      long key = ByteTemplate.key(line, 0, line.length, line.length);
      if (!bytes.template(line, 0, line.length, line.length) || !bytes.keptDigits()) {
        continue;
      }
      long runs = bytes.keptRuns();
      if (runs == 0) {
        continue;
      }
      byte[] changed = changeFoldedDigits(line, r, 4);
      assertThat(ByteTemplate.key(changed, 0, changed.length, changed.length)).isEqualTo(key);
      assertThat(other.template(changed, 0, changed.length, changed.length)).isTrue();
      assertThat(other.keptRuns()).as("runs of %s", show(changed, changed.length)).isEqualTo(runs);
      long second = ByteTemplate.keptKey(line, 0, line.length, key, runs);
      long changedSecond = ByteTemplate.keptKey(changed, 0, changed.length, key, runs);
      // The runs are where the kept digits are: the same digits there, the same template; others
      // there, another.
      if (second == changedSecond) {
        assertThat(other.text())
            .as("template of %s", show(changed, changed.length))
            .isEqualTo(bytes.text());
        same++;
      } else {
        assertThat(other.text()).isNotEqualTo(bytes.text());
        differ++;
      }
    }
    assertThat(same).as("lines whose kept digits stayed").isGreaterThan(2_000);
    assertThat(differ).as("lines whose kept digits changed").isGreaterThan(2_000);
  }

  @Test
  void shouldKeyALineByFoldingEachWordAsFoldDigitsDoes() {
    // The key's loop writes foldDigits out for C1; this is the key spelled with the method.
    String[] parts = {"0x1F", "10x2", "0X", "x0", "100", "ab", "2024-05-21T10:00:00.1Z ", " ", "é"};
    Random r = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      byte[] line = randomLine(r, parts, 12);
      int end = line.length;
      int i = ByteTemplate.keyStart(line, 0, end);
      long h = 0x9e3779b97f4a7c15L ^ (end - i);
      for (; i + 8 <= end; i += 8) {
        long w =
            java.nio.ByteBuffer.wrap(line, i, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        byte next = i + 8 < end ? line[i + 8] : 0;
        h = Long.rotateLeft((h ^ ByteTemplate.foldDigits(w, next)) * 0xbf58476d1ce4e5b9L, 29);
      }
      if (i < end) {
        long w = ByteTemplate.foldDigits(ByteTemplate.tail(line, i, end), (byte) 0);
        h = Long.rotateLeft((h ^ w) * 0xbf58476d1ce4e5b9L, 29);
      }
      h = LineTemplates.mix(h);
      assertThat(ByteTemplate.key(line, 0, end, end))
          .as("key of %s", show(line, end))
          .isEqualTo(h == 0 ? 1 : h);
    }
  }

  @Test
  void shouldFoldEveryDigitAndNoOtherByteKeepingZerosOnlyNearAnX() {
    for (int v = 0; v < 256; v++) {
      for (int at = 0; at < 8; at++) {
        long w = 0x4141414141414141L & ~(0xffL << (8 * at)) | ((long) v << (8 * at));
        long one = (w & ~(0xffL << (8 * at))) | ((long) '1' << (8 * at));
        boolean x = v == 'x' || v == 'X';
        long expected = v >= '1' && v <= '9' || v == '0' ? one : w;
        assertThat(ByteTemplate.foldDigits(w, (byte) 0))
            .as("byte %d at %d", v, at)
            .isEqualTo(expected);
        assertThat(ByteTemplate.foldDigits(w, (byte) 'X'))
            .as("byte %d at %d before an X", v, at)
            .isEqualTo(v >= '1' && v <= '9' ? one : w);
        // A word with an x keeps its zeros: the x may follow one.
        long withX = (w & ~0xffL) | (at == 0 ? v : 'x');
        long foldedX = ByteTemplate.foldDigits(withX, (byte) 0);
        if (at > 0) {
          assertThat(foldedX)
              .as("byte %d at %d beside an x", v, at)
              .isEqualTo(v >= '1' && v <= '9' ? (one & ~0xffL) | 'x' : withX);
        } else if (!x) {
          assertThat(foldedX).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void shouldReadATailOfOneToSevenBytesWhereverItSits() {
    Random r = new Random(7);
    for (int size = 1; size <= 20; size++) {
      byte[] b = new byte[size];
      r.nextBytes(b);
      for (int i = 0; i < size; i++) {
        for (int end = i + 1; end <= Math.min(size, i + 7); end++) {
          long expected = 0;
          for (int k = end - 1; k >= i; k--) {
            expected = (expected << 8) | (b[k] & 0xff);
          }
          assertThat(ByteTemplate.tail(b, i, end))
              .as("[%d, %d) of %d", i, end, size)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void shouldFindTheLineEndAtEveryPositionOfAWord() {
    for (int at = 0; at < 24; at++) {
      byte[] b = new byte[24];
      java.util.Arrays.fill(b, (byte) 'x');
      b[at] = '\n';
      if (at + 3 < b.length) {
        b[at + 3] = '\n';
      }
      assertThat(ByteTemplate.lineEnd(b, 0, b.length)).isEqualTo(at);
    }
    byte[] none = new byte[19];
    assertThat(ByteTemplate.lineEnd(none, 0, none.length)).isEqualTo(19);
    byte[] cr = "0123456789abcdef\r".getBytes(StandardCharsets.US_ASCII);
    assertThat(ByteTemplate.indexOf(cr, 0, cr.length, (byte) '\r')).isEqualTo(16);
    assertThat(ByteTemplate.indexOf(cr, 0, 16, (byte) '\r')).isEqualTo(16);
    assertThat(ByteTemplate.indexOf(cr, 3, cr.length, (byte) '9')).isEqualTo(9);
  }

  @Test
  void shouldAgreeOnEveryLineOfTheBundledExamples() throws IOException {
    Path examples = examples();
    List<Path> logs;
    try (Stream<Path> s = Files.walk(examples)) {
      logs = s.filter(p -> p.toString().endsWith(".log")).toList();
    }
    assertThat(logs).isNotEmpty();
    int lines = 0;
    for (Path p : logs) {
      byte[] all = Files.readAllBytes(p);
      int start = 0;
      for (int i = 0; i <= all.length; i++) {
        if (i == all.length || all[i] == '\n') {
          byte[] line = java.util.Arrays.copyOfRange(all, start, i);
          same(line, line.length, line.length);
          lines++;
          start = i + 1;
        }
      }
    }
    assertThat(lines).isGreaterThan(50);
  }

  private static Path examples() {
    List<Path> tried = new ArrayList<>();
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("examples");
      tried.add(p);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new AssertionError("no examples folder in " + tried);
  }
}
