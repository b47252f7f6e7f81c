package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryBaselinesTest extends AbstractBaselinesTest {
  @Override
  protected Baselines with(String requestId, Map<JobInfo, LineTemplates> given) {
    InMemoryBaselines b = new InMemoryBaselines();
    b.register(requestId, job -> Optional.ofNullable(given.get(job)));
    return b;
  }

  @Test
  void shouldReadAJobsBaselineOnceThoughItsChunksAskAtOnce() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch asked = new CountDownLatch(1);
    LineTemplates t = templates("ok");
    InMemoryBaselines b = new InMemoryBaselines();
    b.register(
        "req-1",
        job -> {
          reads.incrementAndGet();
          try {
            asked.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Optional.of(t);
        });
    List<Thread> threads = new ArrayList<>();
    List<Baselines.Lookup> got = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) {
      // Local chunks name no set: the request registered its baseline in this process.
      Thread th = new Thread(() -> got.add(b.templates("req-1", FAILED, Optional.empty())));
      th.start();
      threads.add(th);
    }
    asked.countDown();
    for (Thread th : threads) {
      th.join();
    }
    assertThat(reads).hasValue(1);
    assertThat(got).hasSize(4).allSatisfy(l -> assertThat(found(l)).isSameAs(t));
  }

  @Test
  void shouldForgetARequest() {
    InMemoryBaselines b = new InMemoryBaselines();
    b.register("req-1", job -> Optional.of(templates("ok")));
    b.forget("req-1");
    assertThat(b.templates("req-1", FAILED, Optional.empty())).isEqualTo(Baselines.Lookup.ABSENT);
  }
}
