package dev.destill.bench;

import dev.destill.core.engine.LogScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Writes {@code gram-counts.txt}, which the scanner's gram gate reads to pick, for each word it
 * looks for, the four bytes that real CI logs hold least often: how often each four-byte gram of
 * the built-in words (bytes folded as the gate folds them, bit 5 set) occurs in a folder of logs.
 * Run it again when the built-in words change:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.destill.bench.GramCounts ../shared/eval/logs \
 *     destill-core/src/main/resources/dev/destill/core/engine/gram-counts.txt
 * </pre>
 *
 * Logs may be plain or gzipped ({@code .gz}). Only counts are written, never text of the logs.
 */
public final class GramCounts {
  private GramCounts() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: GramCounts LOG_FOLDER OUTPUT");
      System.exit(2);
    }
    Map<Integer, long[]> counts = new HashMap<>();
    for (String word : LogScanner.filterWords()) {
      byte[] w = word.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      for (int at = 0; at + 4 <= w.length; at++) {
        counts.put(gram(w, at), new long[1]);
      }
    }
    long bytes = 0;
    int logs = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      byte[] log = read(file);
      logs++;
      bytes += log.length;
      for (int i = 0; i + 4 <= log.length; i++) {
        long[] c = counts.get(gram(log, i));
        if (c != null) {
          c[0]++;
        }
      }
    }
    Map<String, Long> rows = new TreeMap<>();
    counts.forEach((g, c) -> rows.put(hex(g), c[0]));
    StringBuilder out = new StringBuilder();
    out.append(
            "# How often each four-byte gram of the scanner's built-in words occurs (bytes with\n")
        .append("# bit 5 set), in ")
        .append(logs)
        .append(" logs, ")
        .append(bytes)
        .append(" bytes. Written by bench's GramCounts.\n");
    rows.forEach((g, c) -> out.append(g).append(' ').append(c).append('\n'));
    Files.writeString(Path.of(args[1]), out.toString(), StandardCharsets.US_ASCII);
    System.out.println(rows.size() + " grams over " + logs + " logs (" + bytes + " bytes)");
  }

  private static byte[] read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      if (file.getFileName().toString().endsWith(".gz")) {
        try (InputStream gz = new GZIPInputStream(in)) {
          return gz.readAllBytes();
        }
      }
      return in.readAllBytes();
    }
  }

  // The four bytes at b[at], folded, first byte lowest: as the gate reads them.
  private static int gram(byte[] b, int at) {
    return ((b[at] & 0xff)
            | (b[at + 1] & 0xff) << 8
            | (b[at + 2] & 0xff) << 16
            | (b[at + 3] & 0xff) << 24)
        | 0x20202020;
  }

  private static String hex(int g) {
    return String.format(Locale.ROOT, "%08x", Integer.reverseBytes(g));
  }
}
