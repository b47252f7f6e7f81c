package dev.destill.core.explain;

import static dev.destill.core.explain.ExplainFixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainerTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private final InMemoryExplanationStore store = new InMemoryExplanationStore(100);
  private final List<Finding> findings =
      List.of(
          finding("f1", "h1", 1, "build", 43, List.of("[ERROR] cannot find symbol", "  symbol: x")),
          finding("f2", "h2", 2, "build", 60, List.of("[ERROR] BUILD FAILURE")));

  private static ModelAnswer answer(List<EvidenceLine> evidence, String confidence) {
    return new ModelAnswer(
        "CartService calls a method that PriceCalculator no longer has.",
        evidence,
        "Restore applyDiscount or update the caller.",
        confidence,
        "",
        120,
        40);
  }

  @Test
  void shouldKeepCitedLinesThatWereSentAndMarkTheRest() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m1")
            .answer(
                p ->
                    answer(
                        List.of(
                            new EvidenceLine("build", 43),
                            new EvidenceLine("", 44),
                            new EvidenceLine("build", 999)),
                        "high"));
    ExplainOutcome out =
        new Explainer(model, store, clock)
            .explain(
                "req-1", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.NORMAL, s -> {});

    assertThat(out).isInstanceOf(ExplainOutcome.Explained.class);
    Explanation e = ((ExplainOutcome.Explained) out).explanation();
    assertThat(e.evidence())
        .containsExactly(new EvidenceLine("build", 43), new EvidenceLine("build", 44));
    assertThat(e.rejectedEvidence()).containsExactly(new EvidenceLine("build", 999));
    assertThat(e.verified()).isFalse();
    assertThat(e.confidence()).isEqualTo(Confidence.HIGH);
    assertThat(e.model()).isEqualTo("m1");
    assertThat(e.cached()).isFalse();
    assertThat(store.sentFor("req-1"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.outcome()).isEqualTo("ok");
              assertThat(s.findingIds()).containsExactly("f1", "f2");
              assertThat(s.model()).isEqualTo("m1");
              assertThat(s.characters()).isPositive();
            });
  }

  @Test
  void shouldReuseTheExplanationOfTheSameFailureInAnotherBuild() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m1")
            .answer(p -> answer(List.of(new EvidenceLine("build", 43)), "medium"));
    Explainer explainer = new Explainer(model, store, clock);
    explainer.explain(
        "req-1", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.NORMAL, s -> {});

    ExplainOutcome second =
        explainer.explain(
            "req-2", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.NORMAL, s -> {});

    assertThat(model.received()).hasSize(1);
    Explanation e = ((ExplainOutcome.Explained) second).explanation();
    assertThat(e.cachedFrom()).contains("req-1");
    assertThat(store.sentFor("req-2")).isEmpty();
    assertThat(store.explanationOf("req-2")).contains(e);
  }

  @Test
  void shouldAskAgainOnRefreshOrWhenTheModelOrPromptChanges() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m1")
            .answer(p -> answer(List.of(), "low"))
            .answer(p -> answer(List.of(), "low"));
    Explainer explainer = new Explainer(model, store, clock);
    explainer.explain(
        "req-1", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.NORMAL, s -> {});
    explainer.explain(
        "req-1", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.REFRESH, s -> {});
    assertThat(model.received()).hasSize(2);

    Prompt p = model.received().get(0);
    Prompt otherVersion =
        new Prompt("explain-v0", p.system(), p.user(), p.sent(), p.left(), p.estimatedTokens());
    assertThat(Explainer.cacheKey("m1", otherVersion)).isNotEqualTo(Explainer.cacheKey("m1", p));
    assertThat(Explainer.cacheKey("m2", p)).isNotEqualTo(Explainer.cacheKey("m1", p));
  }

  @Test
  void shouldSendNothingOnADryRun() {
    ScriptedLanguageModel model = new ScriptedLanguageModel("m1");
    ExplainOutcome out =
        new Explainer(model, store, clock)
            .explain(
                "req-1", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.DRY_RUN, s -> {});

    assertThat(out).isInstanceOf(ExplainOutcome.DryRun.class);
    assertThat(model.received()).isEmpty();
    assertThat(store.sentFor("req-1")).isEmpty();
  }

  @Test
  void shouldReportAFailedRequestInOneLineAndRecordIt() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m1")
            .fail("the model server at 127.0.0.1:1 returned 401: check DESTILL_LLM_API_KEY");
    ExplainOutcome out =
        new Explainer(model, store, clock)
            .explain(
                "req-1", "t", findings, ExplainOptions.DEFAULTS, Explainer.Mode.NORMAL, s -> {});

    assertThat(out)
        .isInstanceOfSatisfying(
            ExplainOutcome.Failed.class, f -> assertThat(f.reason()).contains("401"));
    assertThat(store.sentFor("req-1"))
        .singleElement()
        .satisfies(s -> assertThat(s.outcome()).contains("401"));
    assertThat(store.find(Explainer.cacheKey("m1", ((ExplainOutcome.Failed) out).prompt())))
        .isEmpty();
  }

  @Test
  void shouldSayInsufficientWhenTheModelCitesNothingAndGivesNoConfidence() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel("m1").answer(p -> answer(List.of(), "sure!"));
    Explanation e =
        ((ExplainOutcome.Explained)
                new Explainer(model, store, clock)
                    .explain(
                        "req-1",
                        "t",
                        findings,
                        ExplainOptions.DEFAULTS,
                        Explainer.Mode.NORMAL,
                        s -> {}))
            .explanation();
    assertThat(e.confidence()).isEqualTo(Confidence.INSUFFICIENT);
  }

  @Test
  void shouldExplainNothingWithoutFindings() {
    assertThat(
            new Explainer(new ScriptedLanguageModel("m"), store, clock)
                .explain(
                    "r",
                    "t",
                    new ArrayList<>(),
                    ExplainOptions.DEFAULTS,
                    Explainer.Mode.NORMAL,
                    s -> {}))
        .isInstanceOf(ExplainOutcome.NothingToExplain.class);
  }

  @Test
  void shouldBoundItsMemory() {
    InMemoryExplanationStore small = new InMemoryExplanationStore(10);
    for (int i = 0; i < 1_000; i++) {
      small.attach("req-" + i, answerExplanation());
      small.record(
          new ExplanationStore.SentRequest(
              "req-" + i, "m", "v", 1, 1, List.of(), "ok", Instant.EPOCH));
    }
    assertThat(small.size()).isEqualTo(10);
  }

  private Explanation answerExplanation() {
    return new Explainer(new ScriptedLanguageModel("m"), store, clock)
        .check(
            answer(List.of(), "low"), PromptBuilder.build("t", findings, ExplainOptions.DEFAULTS));
  }
}
