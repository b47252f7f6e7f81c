package dev.destill.live.syslog;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses one syslog message, RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG}) or
 * RFC 3164 ({@code <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG}, and the looser forms senders use).
 * Bytes that are not UTF-8 become U+FFFD (RFC 5424 allows any MSG encoding without a BOM). Pure;
 * thread-safe.
 */
public final class SyslogParser {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private SyslogParser() {}

  /** Why a frame is not a syslog message, in one line. */
  public static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  public static SyslogMessage parse(byte[] frame) throws Malformed {
    return parse(frame, 0, frame.length);
  }

  public static SyslogMessage parse(byte[] buf, int off, int len) throws Malformed {
    int end = off + len;
    // Trailing line ends and NULs are framing, not message.
    while (end > off && (buf[end - 1] == '\n' || buf[end - 1] == '\r' || buf[end - 1] == 0)) {
      end--;
    }
    int i = off;
    if (i >= end || buf[i] != '<') {
      throw new Malformed("a syslog message starts with <PRI>");
    }
    i++;
    int pri = 0;
    int digits = 0;
    while (i < end && buf[i] >= '0' && buf[i] <= '9' && digits < 4) {
      pri = pri * 10 + (buf[i] - '0');
      i++;
      digits++;
    }
    if (digits == 0 || i >= end || buf[i] != '>' || pri > 191) {
      throw new Malformed("bad PRI: it is <0> to <191>");
    }
    i++;
    int facility = pri >> 3;
    int severity = pri & 7;
    if (i + 1 < end && buf[i] == '1' && buf[i + 1] == ' ') {
      return rfc5424(buf, i + 2, end, facility, severity);
    }
    return rfc3164(buf, i, end, facility, severity);
  }

  private static SyslogMessage rfc5424(byte[] buf, int i, int end, int facility, int severity)
      throws Malformed {
    int[] pos = {i};
    String ts = token(buf, pos, end, "TIMESTAMP");
    String host = nil(token(buf, pos, end, "HOSTNAME"));
    String app = nil(token(buf, pos, end, "APP-NAME"));
    String procId = nil(token(buf, pos, end, "PROCID"));
    String msgId = nil(token(buf, pos, end, "MSGID"));
    Optional<Instant> time = Optional.empty();
    if (!ts.equals("-")) {
      try {
        time = Optional.of(OffsetDateTime.parse(ts).toInstant());
      } catch (DateTimeParseException e) {
        throw new Malformed("bad RFC 5424 TIMESTAMP: " + cut(ts));
      }
    }
    int p = pos[0];
    String sd = "";
    if (p < end && buf[p] == '-') {
      p++;
    } else if (p < end && buf[p] == '[') {
      int start = p;
      while (p < end && buf[p] == '[') {
        p++;
        boolean inQuote = false;
        while (p < end) {
          byte b = buf[p];
          if (inQuote && b == '\\' && p + 1 < end) {
            p += 2;
            continue;
          }
          if (b == '"') {
            inQuote = !inQuote;
          } else if (b == ']' && !inQuote) {
            break;
          }
          p++;
        }
        if (p >= end) {
          throw new Malformed("unterminated STRUCTURED-DATA");
        }
        p++;
      }
      sd = decode(buf, start, p);
    } else if (p < end) {
      throw new Malformed("STRUCTURED-DATA is - or [...]");
    }
    if (p < end && buf[p] == ' ') {
      p++;
    }
    if (end - p >= 3 && buf[p] == BOM[0] && buf[p + 1] == BOM[1] && buf[p + 2] == BOM[2]) {
      p += 3;
    }
    return new SyslogMessage(
        SyslogMessage.Format.RFC5424,
        facility,
        severity,
        time,
        host,
        app,
        procId,
        msgId,
        sd,
        decode(buf, p, end));
  }

  private static SyslogMessage rfc3164(byte[] buf, int i, int end, int facility, int severity) {
    String rest = decode(buf, i, end);
    String host = "";
    // "Mmm dd hh:mm:ss " (dd space-padded); without it the whole rest is the message (RFC 3164
    // §4.3.2 lets relays take such messages as they are).
    if (rest.length() >= 16 && isMonth(rest) && rest.charAt(15) == ' ' && rest.charAt(3) == ' ') {
      rest = rest.substring(16);
      int sp = rest.indexOf(' ');
      // A host is a word without ':' or '['; a tag (app[pid]:) ends with ':'.
      if (sp > 0) {
        String word = rest.substring(0, sp);
        if (!word.endsWith(":") && word.indexOf('[') < 0) {
          host = word;
          rest = rest.substring(sp + 1);
        }
      }
    }
    String app = "";
    String procId = "";
    int colon = rest.indexOf(": ");
    int tagEnd = colon < 0 && rest.endsWith(":") ? rest.length() - 1 : colon;
    if (tagEnd > 0 && tagEnd <= 48 && rest.substring(0, tagEnd).indexOf(' ') < 0) {
      String tag = rest.substring(0, tagEnd);
      int br = tag.indexOf('[');
      if (br > 0 && tag.endsWith("]")) {
        app = tag.substring(0, br);
        procId = tag.substring(br + 1, tag.length() - 1);
      } else {
        app = tag;
      }
      rest = rest.substring(Math.min(rest.length(), tagEnd + 2));
    }
    return new SyslogMessage(
        SyslogMessage.Format.RFC3164,
        facility,
        severity,
        Optional.empty(),
        host,
        app,
        procId,
        "",
        "",
        rest);
  }

  private static boolean isMonth(String s) {
    for (String m : MONTHS) {
      if (s.startsWith(m)) {
        return Character.isDigit(s.charAt(5)) && s.charAt(9) == ':' && s.charAt(12) == ':';
      }
    }
    return false;
  }

  private static String token(byte[] buf, int[] pos, int end, String name) throws Malformed {
    int p = pos[0];
    int start = p;
    while (p < end && buf[p] != ' ') {
      p++;
    }
    if (p == start || p >= end) {
      throw new Malformed("RFC 5424 message cut short before " + name);
    }
    pos[0] = p + 1;
    return new String(buf, start, p - start, StandardCharsets.US_ASCII);
  }

  private static String nil(String s) {
    return s.equals("-") ? "" : s;
  }

  private static String cut(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** UTF-8, with U+FFFD for bytes that are not. */
  static String decode(byte[] buf, int from, int to) {
    if (from >= to) {
      return "";
    }
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      CharBuffer c = d.decode(ByteBuffer.wrap(buf, from, to - from));
      return c.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder does not fail", e);
    }
  }
}
