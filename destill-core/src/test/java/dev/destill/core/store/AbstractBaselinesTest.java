package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract every {@link Baselines} passes. */
public abstract class AbstractBaselinesTest {

  /**
   * Baselines in which request {@code requestId} compares each failed job of {@code given} with its
   * templates, as the implementation learns of them (a registered loader, published sets).
   */
  protected abstract Baselines with(String requestId, Map<JobInfo, LineTemplates> given);

  protected static final JobInfo FAILED = JobInfo.of("test (ubuntu, 21)", JobState.FAILED);
  protected static final JobInfo OTHER = JobInfo.of("lint", JobState.FAILED);

  protected static LineTemplates templates(String... lines) {
    LineTemplates.Builder b = LineTemplates.builder();
    for (String l : lines) {
      b.add(l);
    }
    return b.build();
  }

  /** The set a chunk of {@code job} names, as the ingest agent names it: by the job's id. */
  protected static Optional<String> set(JobInfo job) {
    return Optional.of(job.id());
  }

  /** The templates a lookup found. */
  protected static LineTemplates found(Baselines.Lookup lookup) {
    assertThat(lookup).isInstanceOf(Baselines.Lookup.Found.class);
    return ((Baselines.Lookup.Found) lookup).templates();
  }

  @Test
  void shouldGiveAFailedJobTheTemplatesOfItsAnnouncedBaseline() {
    LineTemplates t = templates("ERROR: flaky cache miss for key 4821", "done in 12 s");
    Baselines b = with("req-1", Map.of(FAILED, t));
    LineTemplates got = found(b.templates("req-1", FAILED, set(FAILED)));
    assertThat(got.lines()).isEqualTo(2);
    assertThat(got.templates()).isEqualTo(t.templates());
    // The same template with other numbers is known; a line the baseline never had is new.
    assertThat(got.match("ERROR: flaky cache miss for key 97"))
        .isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(got.match("segmentation fault in the linker")).isEqualTo(LineTemplates.Match.NEW);
  }

  @Test
  void shouldHaveNothingForAnotherRequestOrAPassedJob() {
    Baselines b = with("req-1", Map.of(FAILED, templates("ok")));
    assertThat(b.templates("req-2", FAILED, Optional.empty())).isEqualTo(Baselines.Lookup.ABSENT);
    assertThat(b.templates("req-1", JobInfo.of("lint", JobState.PASSED), Optional.empty()))
        .isEqualTo(Baselines.Lookup.ABSENT);
  }

  @Test
  void shouldKeepAJobWithoutAPairWithoutABaseline() {
    Baselines b = with("req-1", Map.of(FAILED, templates("ok")));
    assertThat(b.templates("req-1", OTHER, Optional.empty())).isEqualTo(Baselines.Lookup.ABSENT);
  }

  @Test
  void shouldGiveEveryChunkOfAJobTheSameSetThoughTheyAskAtOnce() throws Exception {
    Baselines b = with("req-1", Map.of(FAILED, templates("ok"), OTHER, templates("fine")));
    List<LineTemplates> got = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread th = new Thread(() -> got.add(found(b.templates("req-1", FAILED, set(FAILED)))));
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(got).hasSize(4).allSatisfy(t -> assertThat(t).isSameAs(got.get(0)));
    assertThat(found(b.templates("req-1", OTHER, set(OTHER))).match("fine"))
        .isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(got.get(0).match("fine")).isEqualTo(LineTemplates.Match.NEW);
  }
}
