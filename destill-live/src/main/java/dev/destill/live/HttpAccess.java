package dev.destill.live;

import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * What the live HTTP routes share: the bearer check and reading a bounded, maybe gzipped body.
 * Thread-safe.
 */
public final class HttpAccess {
  private final Optional<String> token;
  private final int maxBytes;

  /**
   * @param token the bearer token requests must carry; empty: none is asked for
   * @param maxBytes the largest body, after gzip is undone
   */
  public HttpAccess(Optional<String> token, int maxBytes) {
    this.token = token;
    this.maxBytes = maxBytes;
  }

  public int maxBytes() {
    return maxBytes;
  }

  /** Empty when the request may write; otherwise the reason for a 401. */
  public Optional<String> refusal(Context ctx) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
      return Optional.of("missing bearer token: send Authorization: Bearer $DESTILL_SERVER_TOKEN");
    }
    byte[] given = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(token.get().getBytes(StandardCharsets.UTF_8), given)) {
      return Optional.of("wrong bearer token");
    }
    return Optional.empty();
  }

  /** Why a body could not be read: too large (413) or broken gzip (400). */
  public static final class BodyProblem extends Exception {
    private final int status;

    BodyProblem(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** The body, gzip undone when {@code Content-Encoding} says so, at most {@link #maxBytes}. */
  public byte[] body(Context ctx) throws BodyProblem {
    long declared = ctx.req().getContentLengthLong();
    String encoding =
        Optional.ofNullable(ctx.header("Content-Encoding"))
            .orElse("")
            .strip()
            .toLowerCase(Locale.ROOT);
    boolean gzip = encoding.equals("gzip");
    if (!gzip && !encoding.isEmpty() && !encoding.equals("identity")) {
      throw new BodyProblem(
          415, "unsupported Content-Encoding " + encoding + "; send gzip or none");
    }
    if (declared > maxBytes) {
      throw tooLarge();
    }
    try {
      InputStream in = limited(ctx.req().getInputStream());
      if (gzip) {
        in = limited(new GZIPInputStream(in));
      }
      try (InputStream body = in) {
        return body.readAllBytes();
      }
    } catch (TooLarge e) {
      throw tooLarge();
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new BodyProblem(400, "the body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw new BodyProblem(400, "the body could not be read: " + e.getMessage());
    }
  }

  private BodyProblem tooLarge() {
    return new BodyProblem(413, "the body is larger than " + maxBytes + " bytes");
  }

  private static final class TooLarge extends IOException {
    TooLarge() {
      super("too large", null);
    }
  }

  private InputStream limited(InputStream in) {
    return new FilterInputStream(in) {
      private long count;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && ++count > maxBytes) {
          throw new TooLarge();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          count += n;
          if (count > maxBytes) {
            throw new TooLarge();
          }
        }
        return n;
      }
    };
  }
}
