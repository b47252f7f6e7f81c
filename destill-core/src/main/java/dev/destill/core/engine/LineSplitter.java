package dev.destill.core.engine;

/**
 * Cuts bytes given in any pieces into lines as {@link LogScanner} cuts them: on {@code \n}, each
 * line cut at {@link LogScanner#MAX_LINE_BYTES} but counted whole. A line that lies whole in a
 * piece is handed on where it is; one split between pieces is put together first. Not thread-safe.
 */
final class LineSplitter {

  /** Takes one line: {@code n} bytes of it at {@code src[off]}, {@code total} in all. */
  interface Sink {
    void line(byte[] src, int off, int n, long total);
  }

  private final Sink sink;
  private final byte[] buf = new byte[LogScanner.MAX_LINE_BYTES];
  private int len;
  private long total;

  LineSplitter(Sink sink) {
    this.sink = sink;
  }

  /** Feeds the next bytes. */
  void accept(byte[] data, int off, int n) {
    int end = off + n;
    int i = off;
    while (i < end) {
      int nl = ByteTemplate.lineEnd(data, i, end);
      if (nl < end && len == 0 && total == 0) {
        sink.line(data, i, Math.min(nl - i, buf.length), nl - i);
      } else {
        int take = Math.min(nl - i, buf.length - len);
        System.arraycopy(data, i, buf, len, take);
        len += take;
        total += nl - i;
        if (nl < end) {
          flush();
        }
      }
      i = nl + 1;
    }
  }

  /** Ends the input: a last line without {@code \n} counts. */
  void finish() {
    if (total > 0) {
      flush();
    }
  }

  private void flush() {
    sink.line(buf, 0, len, total);
    len = 0;
    total = 0;
  }
}
