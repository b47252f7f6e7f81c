package dev.destill.server;

import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reading request bodies within their size limits: 413 as soon as a body is too large. */
final class Bodies {
  private Bodies() {}

  /** The whole body, at most {@code max} bytes. */
  static byte[] read(Context ctx, long max) {
    refuseDeclaredLength(ctx, max);
    try (InputStream in = limited(ctx.req().getInputStream(), max)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 413 at once when Content-Length already says the body is too large. */
  static void refuseDeclaredLength(Context ctx, long max) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      throw tooLarge(max);
    }
  }

  static HttpProblem tooLarge(long max) {
    return new HttpProblem(413, "the body is larger than " + max + " bytes");
  }

  /** {@code in}, failing with 413 when more than {@code max} bytes come through it. */
  static InputStream limited(InputStream in, long max) {
    return new FilterInputStream(in) {
      private long count;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(int n) {
        count += n;
        if (count > max) {
          throw tooLarge(max);
        }
      }
    };
  }
}
