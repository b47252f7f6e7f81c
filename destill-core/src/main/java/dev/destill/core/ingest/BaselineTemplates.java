package dev.destill.core.ingest;

import dev.destill.core.engine.LineTemplates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a baseline log into its {@link LineTemplates} on several threads: this thread reads blocks
 * and hands each to a worker with its own builder, cut at a line's end so that every builder sees
 * whole lines; the sets are joined at the end. While the analysis waits for a baseline it has
 * nothing else to do, so the baseline takes every core. Memory: the workers' sets share the bound
 * of one set, plus a few blocks in flight, which the workers hand back to be filled again: a fresh
 * block for every megabyte would have the heap's pages touched for the first time, one fault each,
 * for a log's every byte.
 */
final class BaselineTemplates {
  /** Bytes read at once. */
  static final int BLOCK = 1 << 20;

  /** Blocks waiting per worker. */
  private static final int QUEUED = 2;

  private record Block(byte[] bytes, int length) {}

  private static final Block END = new Block(new byte[0], 0);

  private BaselineTemplates() {}

  /** The templates of the log {@code in} gives, read on {@code workers} threads (1: this one). */
  static LineTemplates read(InputStream in, int workers) throws IOException {
    if (workers <= 1) {
      LineTemplates.Builder b = LineTemplates.builder();
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        b.accept(buf, 0, n);
      }
      return b.build();
    }
    // Every block a worker may hold, wait for or give back, and the two the reader fills.
    BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(workers * (QUEUED + 2) + 2);
    List<Worker> pool = new ArrayList<>(workers);
    for (int i = 0; i < workers; i++) {
      pool.add(new Worker(LineTemplates.builder(workers), free));
    }
    pool.forEach(Worker::start);
    try {
      feed(in, pool, free);
    } finally {
      for (Worker w : pool) {
        w.finish();
      }
    }
    List<LineTemplates> parts = new ArrayList<>(workers);
    for (Worker w : pool) {
      parts.add(w.result());
    }
    return LineTemplates.union(parts);
  }

  /**
   * Hands the log to the workers in blocks. A block goes to the next worker when the previous one
   * ended with a whole line; a line longer than a block stays with the worker that has its start.
   */
  private static void feed(InputStream in, List<Worker> pool, BlockingQueue<byte[]> free)
      throws IOException {
    int next = 0;
    byte[] buf = block(free);
    int have = 0;
    while (true) {
      int n = in.read(buf, have, buf.length - have);
      if (n < 0) {
        break;
      }
      have += n;
      if (have < buf.length) {
        continue;
      }
      int cut = lastLineEnd(buf, have);
      Worker w = pool.get(next);
      if (cut < 0) {
        // No line ends in this block: it all belongs to the line the same worker has open.
        w.put(new Block(buf, have));
        buf = block(free);
        have = 0;
        continue;
      }
      byte[] rest = block(free);
      System.arraycopy(buf, cut, rest, 0, have - cut);
      w.put(new Block(buf, cut));
      next = (next + 1) % pool.size();
      buf = rest;
      have = have - cut;
    }
    if (have > 0) {
      pool.get(next).put(new Block(buf, have));
    }
  }

  // A block handed back by a worker, or a new one.
  private static byte[] block(BlockingQueue<byte[]> free) {
    byte[] b = free.poll();
    return b != null ? b : new byte[BLOCK];
  }

  // Index just past the last \n of the block, -1 when it has none.
  private static int lastLineEnd(byte[] buf, int n) {
    for (int i = n - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  /** One builder on its own thread, fed blocks through a short queue. */
  private static final class Worker implements Runnable {
    private final LineTemplates.Builder builder;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Block> queue = new ArrayBlockingQueue<>(QUEUED);
    private final Thread thread;
    private volatile LineTemplates result;
    private volatile RuntimeException failure;

    Worker(LineTemplates.Builder builder, BlockingQueue<byte[]> free) {
      this.builder = builder;
      this.free = free;
      this.thread = new Thread(this, "destill-baseline");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void put(Block b) {
      if (failure != null) {
        throw failure;
      }
      try {
        queue.put(b);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
      }
    }

    /** Ends the worker's input and waits for it. */
    void finish() {
      try {
        queue.put(END);
        thread.join();
      } catch (InterruptedException e) {
        thread.interrupt();
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
      }
      if (failure != null) {
        throw failure;
      }
    }

    LineTemplates result() {
      return result;
    }

    @Override
    public void run() {
      // Takes every block until the end, even after a failure, so that the reader never waits on
      // a full queue.
      while (true) {
        Block b;
        try {
          b = queue.take();
        } catch (InterruptedException e) {
          failure = new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
          return;
        }
        if (b == END) {
          break;
        }
        if (failure == null) {
          try {
            builder.accept(b.bytes(), 0, b.length());
          } catch (RuntimeException e) {
            failure = e;
          }
        }
        // The builder keeps nothing of a block it was given (a line cut at the block's end is
        // copied), so the block can be filled again.
        free.offer(b.bytes());
      }
      if (failure == null) {
        result = builder.build();
      }
    }
  }
}
