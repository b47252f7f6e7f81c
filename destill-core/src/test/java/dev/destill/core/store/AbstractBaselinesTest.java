package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The contract every {@link Baselines} passes. */
public abstract class AbstractBaselinesTest {

  /**
   * Baselines in which request {@code requestId} reads a failed job's baseline with {@code loader}.
   */
  protected abstract Baselines with(
      String requestId, Function<JobInfo, Optional<LineTemplates>> loader);

  private static final JobInfo FAILED = JobInfo.of("test (ubuntu, 21)", JobState.FAILED);

  private static LineTemplates templates(String... lines) {
    LineTemplates.Builder b = LineTemplates.builder();
    for (String l : lines) {
      b.add(l);
    }
    return b.build();
  }

  @Test
  void shouldGiveAFailedJobTheTemplatesItsLoaderReads() {
    LineTemplates t = templates("ERROR: flaky cache miss for key 4821");
    Baselines b = with("req-1", job -> Optional.of(t));
    assertThat(b.templates("req-1", FAILED)).containsSame(t);
  }

  @Test
  void shouldHaveNothingForAnotherRequestOrAPassedJob() {
    Baselines b = with("req-1", job -> Optional.of(templates("ok")));
    assertThat(b.templates("req-2", FAILED)).isEmpty();
    assertThat(b.templates("req-1", JobInfo.of("lint", JobState.PASSED))).isEmpty();
  }

  @Test
  void shouldReadAJobsBaselineOnceThoughItsChunksAskAtOnce() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch asked = new CountDownLatch(1);
    LineTemplates t = templates("ok");
    Baselines b =
        with(
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
    List<Optional<LineTemplates>> got = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) {
      Thread th = new Thread(() -> got.add(b.templates("req-1", FAILED)));
      th.start();
      threads.add(th);
    }
    asked.countDown();
    for (Thread th : threads) {
      th.join();
    }
    assertThat(reads).hasValue(1);
    assertThat(got).hasSize(4).allSatisfy(o -> assertThat(o).containsSame(t));
  }

  @Test
  void shouldKeepAJobWithoutAPairWithoutABaseline() {
    Baselines b = with("req-1", job -> Optional.empty());
    assertThat(b.templates("req-1", FAILED)).isEmpty();
  }
}
