package dev.destill.live;

import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.core.store.StoreBatch;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory store whose writes wait until released: holds a live worker still so that its queue
 * fills, for back-pressure tests.
 */
public final class BlockingStore extends ForwardingStore {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);

  public BlockingStore() {
    super(new InMemoryFindingStore(Clock.systemUTC()));
  }

  @Override
  public void apply(StoreBatch batch) {
    entered.countDown();
    try {
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    super.apply(batch);
  }

  /** Waits until a write is being held. */
  public void awaitHeld() throws InterruptedException {
    if (!entered.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no write came");
    }
  }

  public void release() {
    release.countDown();
  }
}
