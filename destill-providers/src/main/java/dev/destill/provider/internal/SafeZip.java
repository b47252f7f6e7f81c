package dev.destill.provider.internal;

import dev.destill.core.provider.TestReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Takes the JUnit XML reports out of an artifact zip without trusting it: bounded entry count,
 * bounded size per entry and in total, a bound on the compression ratio (zip bombs), and entry
 * names that try to leave the archive ({@code ../}, absolute paths) skipped. Nothing is written to
 * disk. Thread-safe.
 */
public final class SafeZip {
  public static final int MAX_ENTRIES = 10_000;
  public static final long MAX_ENTRY_BYTES = 64L << 20;
  public static final long MAX_TOTAL_BYTES = 256L << 20;
  public static final int MAX_RATIO = 200;

  /** What came out of an archive. */
  public record Result(List<TestReport> reports, List<String> warnings) {
    public Result {
      reports = List.copyOf(reports);
      warnings = List.copyOf(warnings);
    }
  }

  private SafeZip() {}

  /** The {@code *.xml} entries of {@code zip} that look like test reports. */
  public static Result testReports(String archiveName, byte[] zip) {
    List<TestReport> reports = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    long total = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (++entries > MAX_ENTRIES) {
          warnings.add(
              archiveName + ": more than " + MAX_ENTRIES + " entries; the rest was not read");
          break;
        }
        String name = e.getName();
        if (e.isDirectory() || !name.toLowerCase(Locale.ROOT).endsWith(".xml")) {
          continue;
        }
        if (!safeName(name)) {
          warnings.add(
              archiveName + ": skipped entry with an unsafe name (" + printable(name) + ")");
          continue;
        }
        byte[] data = readBounded(in, Math.min(MAX_ENTRY_BYTES, MAX_TOTAL_BYTES - total));
        // Known only once the entry was read (streamed zips put sizes after the data).
        long compressed = e.getCompressedSize();
        if (data == null) {
          warnings.add(
              archiveName
                  + ": "
                  + printable(name)
                  + " is larger than allowed; the archive looks like a zip bomb, stopped reading it");
          break;
        }
        if (compressed > 0 && data.length > (1L << 20) && data.length / compressed > MAX_RATIO) {
          warnings.add(
              archiveName
                  + ": "
                  + printable(name)
                  + " compresses "
                  + (data.length / compressed)
                  + ":1; skipped as a likely zip bomb");
          continue;
        }
        total += data.length;
        if (looksLikeJUnit(data)) {
          reports.add(new TestReport(archiveName + "!" + name, data));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      warnings.add(
          archiveName
              + " is not a readable zip ("
              + e.getMessage()
              + "); its reports were skipped");
    }
    return new Result(reports, warnings);
  }

  static boolean safeName(String name) {
    String n = name.replace('\\', '/');
    if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
      return false;
    }
    for (String part : n.split("/")) {
      if (part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  static boolean looksLikeJUnit(byte[] data) {
    String head =
        new String(data, 0, Math.min(data.length, 4096), java.nio.charset.StandardCharsets.UTF_8);
    return head.contains("<testsuite") || head.contains("<testcase");
  }

  /** Reads at most {@code limit} bytes; null when there was more. */
  public static byte[] readBounded(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > limit) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static String printable(String name) {
    String s = name.replaceAll("[^\\x20-\\x7e]", "?");
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
