package dev.destill.core.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Logs written as UTF-16 (PowerShell's {@code >}, some Windows tools), told by their byte order
 * mark or, without one, by the zero bytes every other byte of ASCII text is, and turned into the
 * UTF-8 the engine reads. Other logs pass through unchanged. Stateless.
 */
public final class Utf16 {
  private static final int SNIFF = 4096;

  private Utf16() {}

  /**
   * {@code in} as UTF-8: decoded when it is UTF-16, as it is otherwise. A read error while its
   * start is looked at comes back after the bytes read before it, as it would have without this.
   */
  public static InputStream toUtf8(InputStream in) throws IOException {
    byte[] head = new byte[SNIFF];
    int n = 0;
    IOException failure = null;
    boolean ended = false;
    try {
      while (n < SNIFF) {
        int r = in.read(head, n, SNIFF - n);
        if (r < 0) {
          ended = true;
          break;
        }
        n += r;
      }
    } catch (IOException e) {
      failure = e;
    }
    // A terminal's end of input (Ctrl-D) is not sticky: reading on after it would wait for more.
    InputStream rest = failure != null ? new Failing(failure, in) : ended ? new Ended(in) : in;
    Optional<Charset> charset = detect(head, n);
    int skip = charset.isPresent() && hasBom(head) ? 2 : 0;
    InputStream all = new SequenceInputStream(new ByteArrayInputStream(head, skip, n - skip), rest);
    return charset.isEmpty() ? all : new Encoding(new InputStreamReader(all, charset.get()));
  }

  /** A stream whose reads fail as its source's did. */
  private static final class Failing extends InputStream {
    private final IOException failure;
    private final InputStream source;

    Failing(IOException failure, InputStream source) {
      this.failure = failure;
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      throw failure;
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }

  /** A stream already read to its end: it is not read again. */
  private static final class Ended extends InputStream {
    private final InputStream source;

    Ended(InputStream source) {
      this.source = source;
    }

    @Override
    public int read() {
      return -1;
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }

  private static boolean hasBom(byte[] b) {
    return b.length >= 2
        && ((b[0] == (byte) 0xff && b[1] == (byte) 0xfe)
            || (b[0] == (byte) 0xfe && b[1] == (byte) 0xff));
  }

  /** UTF-16LE or BE when the first {@code n} bytes say so. */
  static Optional<Charset> detect(byte[] b, int n) {
    if (n >= 2 && b[0] == (byte) 0xff && b[1] == (byte) 0xfe) {
      return Optional.of(StandardCharsets.UTF_16LE);
    }
    if (n >= 2 && b[0] == (byte) 0xfe && b[1] == (byte) 0xff) {
      return Optional.of(StandardCharsets.UTF_16BE);
    }
    // ASCII text in UTF-16: one byte of each pair is zero, always the same one.
    int pairs = n / 2;
    if (pairs < 2) {
      return Optional.empty();
    }
    int evenZero = 0;
    int oddZero = 0;
    for (int i = 0; i + 1 < n; i += 2) {
      evenZero += b[i] == 0 ? 1 : 0;
      oddZero += b[i + 1] == 0 ? 1 : 0;
    }
    if (oddZero * 10 >= pairs * 9 && evenZero * 10 < pairs) {
      return Optional.of(StandardCharsets.UTF_16LE);
    }
    if (evenZero * 10 >= pairs * 9 && oddZero * 10 < pairs) {
      return Optional.of(StandardCharsets.UTF_16BE);
    }
    return Optional.empty();
  }

  /** Characters of a reader as UTF-8 bytes. */
  private static final class Encoding extends InputStream {
    private final Reader reader;
    private final CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer chars = CharBuffer.allocate(8192);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192 * 3);
    private boolean eof;

    Encoding(Reader reader) {
      this.reader = reader;
      chars.flip();
      bytes.flip();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (!bytes.hasRemaining()) {
        if (eof && !chars.hasRemaining()) {
          return -1;
        }
        if (!eof) {
          chars.compact();
          int n = reader.read(chars);
          chars.flip();
          eof = n < 0;
        }
        bytes.clear();
        encoder.encode(chars, bytes, eof);
        bytes.flip();
        if (eof && !bytes.hasRemaining() && !chars.hasRemaining()) {
          return -1;
        }
      }
      int n = Math.min(len, bytes.remaining());
      bytes.get(b, off, n);
      return n;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
