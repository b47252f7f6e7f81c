package dev.destill.provider.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as a stream that cannot stall for ever: a read that waits longer than the
 * idle timeout for the next bytes, or a download that runs past its deadline, fails with an {@link
 * IOException} that names the host. The JDK's own body stream waits without a bound once the
 * headers are in. Subscribes to the body one buffer list at a time, so at most one list waits here.
 * One reader thread; {@link #close()} from any thread.
 */
final class BoundedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
  /** Queued after the last buffer list. */
  private static final Object END = new Object();

  private final String host;
  private final Duration idle;
  private final Duration total;
  private final long deadline;
  private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
  private ByteBuffer current;
  private boolean ended;
  private IOException failure;

  /**
   * @param host the host named when the body stalls
   * @param idle the longest wait for the next bytes
   * @param total the longest the whole body may take, counted from now
   */
  BoundedBody(String host, Duration idle, Duration total) {
    this.host = host;
    this.idle = idle;
    this.total = total;
    this.deadline = System.nanoTime() + total.toNanos();
  }

  /** The stream at once, as soon as the headers are in: the body is read as it arrives. */
  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedStage(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    items.add(item);
  }

  @Override
  public void onError(Throwable t) {
    items.add(t);
  }

  @Override
  public void onComplete() {
    items.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  /** Makes {@code current} a buffer with bytes left; false at the end of the body. */
  private boolean advance() throws IOException {
    while (current == null || !current.hasRemaining()) {
      if (buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (failure != null) {
        throw failure;
      }
      if (closed) {
        throw new IOException("the response body from " + host + " was closed");
      }
      if (ended) {
        return false;
      }
      take();
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private void take() throws IOException {
    long left = deadline - System.nanoTime();
    long wait = Math.min(idle.toNanos(), left);
    Object item;
    try {
      item = wait <= 0 ? null : items.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new java.io.InterruptedIOException("interrupted while reading from " + host);
    }
    if (item == null) {
      close();
      failure =
          left <= idle.toNanos()
              ? new IOException(host + " did not finish sending within " + words(total))
              : new IOException(host + " stopped sending for " + words(idle));
      throw failure;
    }
    if (item == END) {
      ended = true;
    } else if (item instanceof Throwable t) {
      failure =
          t instanceof IOException io
              ? io
              : new IOException("reading from " + host + " failed: " + t, t);
    } else {
      buffers = ((List<ByteBuffer>) item).iterator();
      Flow.Subscription s = subscription;
      if (s != null) {
        s.request(1);
      }
    }
  }

  private static String words(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }

  @Override
  public int available() {
    return current == null ? 0 : current.remaining();
  }

  @Override
  public void close() {
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
