package dev.destill.live.syslog;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a syslog TCP (or TLS) byte stream into messages, as RFC 6587 frames them: octet counting
 * ({@code LEN SP MSG}, the only framing of RFC 5425) when a frame starts with a digit, otherwise
 * one message per line (LF, or NUL). Frames over {@code maxFrame} bytes are skipped (octet
 * counting) or cut (lines) and counted. Pure; not thread-safe: one per connection.
 */
public final class SyslogFramer {
  private final int maxFrame;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private State state = State.START;
  private int length;
  private int lengthDigits;
  private long skip;
  private boolean cutting;
  private long oversized;

  private enum State {
    START,
    LENGTH,
    COUNTED,
    LINE
  }

  public SyslogFramer(int maxFrame) {
    this.maxFrame = maxFrame;
  }

  /** Frames that were too large, skipped or cut, so far. */
  public long oversized() {
    return oversized;
  }

  /** Whether a message is partly read (a connection that ends now cuts it). */
  public boolean midFrame() {
    return state != State.START || pending.size() > 0;
  }

  /** Feeds bytes; returns the messages they completed, in order. */
  public List<byte[]> feed(byte[] buf, int off, int len) {
    List<byte[]> out = new ArrayList<>();
    int end = off + len;
    int i = off;
    while (i < end) {
      switch (state) {
        case START -> {
          byte b = buf[i];
          if (b == '\n' || b == '\r' || b == 0 || b == ' ') {
            i++;
          } else if (b >= '1' && b <= '9') {
            state = State.LENGTH;
            length = 0;
            lengthDigits = 0;
          } else {
            state = State.LINE;
            cutting = false;
          }
        }
        case LENGTH -> {
          byte b = buf[i];
          if (b >= '0' && b <= '9' && lengthDigits < 10) {
            long next = (long) length * 10 + (b - '0');
            length = (int) Math.min(Integer.MAX_VALUE, next);
            lengthDigits++;
            i++;
          } else if (b == ' ') {
            i++;
            if (length > maxFrame) {
              oversized++;
              skip = length;
              length = 0;
            }
            state = State.COUNTED;
          } else {
            // Digits not followed by a space: a line that starts with a digit after all.
            byte[] digits =
                Integer.toString(length).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            pending.write(digits, 0, digits.length);
            state = State.LINE;
            cutting = false;
          }
        }
        case COUNTED -> {
          if (skip > 0) {
            int n = (int) Math.min(skip, end - i);
            skip -= n;
            i += n;
            if (skip == 0) {
              state = State.START;
            }
            continue;
          }
          int need = length - pending.size();
          int n = Math.min(need, end - i);
          pending.write(buf, i, n);
          i += n;
          if (pending.size() == length) {
            out.add(pending.toByteArray());
            pending.reset();
            state = State.START;
          }
        }
        case LINE -> {
          int j = i;
          while (j < end && buf[j] != '\n' && buf[j] != 0) {
            j++;
          }
          int room = maxFrame - pending.size();
          int n = j - i;
          if (!cutting) {
            if (n > room) {
              pending.write(buf, i, room);
              cutting = true;
              oversized++;
            } else {
              pending.write(buf, i, n);
            }
          }
          i = j;
          if (j < end) {
            i++;
            out.add(pending.toByteArray());
            pending.reset();
            state = State.START;
          }
        }
      }
    }
    return out;
  }

  /** What is left when the stream ends: a last line without its LF, if any. */
  public List<byte[]> end() {
    List<byte[]> out = new ArrayList<>();
    if (state == State.LINE && pending.size() > 0) {
      out.add(pending.toByteArray());
    }
    pending.reset();
    state = State.START;
    return out;
  }
}
