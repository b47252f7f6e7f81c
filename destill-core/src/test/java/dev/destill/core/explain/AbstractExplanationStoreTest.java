package dev.destill.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link ExplanationStore} passes. */
public abstract class AbstractExplanationStoreTest {
  protected ExplanationStore store;

  protected abstract ExplanationStore newStore();

  /** Closes what {@link #newStore()} opened. */
  protected void closeStore() {}

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    closeStore();
  }

  protected static Explanation explanation(String cause) {
    return new Explanation(
        cause,
        List.of(new EvidenceLine("build", 43), new EvidenceLine("test (3.12)", 7)),
        List.of(new EvidenceLine("build", 999)),
        "Restore the method.",
        Confidence.MEDIUM,
        "llama3",
        "explain-v1",
        Optional.empty(),
        Instant.parse("2026-12-01T10:00:00Z"));
  }

  @Test
  void shouldFindWhatWasSavedUnderItsKey() {
    store.save("k1", "req-1", explanation("cause one"));

    assertThat(store.find("k1"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.requestId()).isEqualTo("req-1");
              assertThat(c.explanation()).isEqualTo(explanation("cause one"));
            });
    assertThat(store.find("k2")).isEmpty();
  }

  @Test
  void shouldReplaceACachedExplanationOnRefresh() {
    store.save("k1", "req-1", explanation("old"));
    store.save("k1", "req-2", explanation("new"));

    assertThat(store.find("k1").orElseThrow().explanation().rootCause()).isEqualTo("new");
    assertThat(store.find("k1").orElseThrow().requestId()).isEqualTo("req-2");
  }

  @Test
  void shouldKeepEachAnalysisExplanationWithItsReuseMark() {
    Explanation reused = explanation("c").reusedFrom("req-1");
    store.attach("req-2", reused);

    assertThat(store.explanationOf("req-2")).contains(reused);
    assertThat(store.explanationOf("req-2").orElseThrow().cachedFrom()).contains("req-1");
    assertThat(store.explanationOf("req-3")).isEmpty();
  }

  @Test
  void shouldRecordEveryRequestSentInOrder() {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    store.record(
        new ExplanationStore.SentRequest(
            "req-1", "m", "explain-v1", 900, 225, List.of("f1", "f2"), "ok", t));
    store.record(
        new ExplanationStore.SentRequest(
            "req-1",
            "m",
            "explain-v1",
            800,
            200,
            List.of(),
            "the model server returned 429",
            t.plusSeconds(5)));

    assertThat(store.sentFor("req-1"))
        .extracting(ExplanationStore.SentRequest::outcome)
        .containsExactly("ok", "the model server returned 429");
    assertThat(store.sentFor("req-1").get(0).findingIds()).containsExactly("f1", "f2");
    assertThat(store.sentFor("req-1").get(0).characters()).isEqualTo(900);
    assertThat(store.sentFor("req-1").get(1).at()).isEqualTo(t.plusSeconds(5));
    assertThat(store.sentFor("req-9")).isEmpty();
  }

  @Test
  void shouldRecordARequestDeliveredTwiceOnce() {
    ExplanationStore.SentRequest r =
        new ExplanationStore.SentRequest(
            "req-1",
            "m",
            "explain-v1",
            900,
            225,
            List.of("f1"),
            "ok",
            Instant.parse("2026-12-01T10:00:00Z"));
    store.record(r);
    store.record(r);

    assertThat(store.sentFor("req-1")).hasSize(1);
  }
}
