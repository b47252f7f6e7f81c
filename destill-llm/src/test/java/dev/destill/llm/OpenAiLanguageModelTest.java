package dev.destill.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.ExplainOptions;
import dev.destill.core.explain.ModelAnswer;
import dev.destill.core.explain.Prompt;
import dev.destill.core.explain.PromptBuilder;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiLanguageModelTest {
  private static final String KEY = "sk-test-0123456789abcdef0123456789abcdef";
  private FakeChatServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeChatServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiLanguageModel model(boolean stream, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put(LlmSettings.URL, server.baseUrl());
    env.put(LlmSettings.MODEL, "qwen2.5-coder");
    env.put(LlmSettings.API_KEY, KEY);
    env.put(LlmSettings.RETRIES, "2");
    env.putAll(extra);
    return new OpenAiLanguageModel(LlmSettings.fromEnvironment(env).orElseThrow(), stream);
  }

  private static Prompt prompt() {
    Finding f =
        new Finding(
            "f1",
            "h1",
            Severity.ERROR,
            0.9,
            1,
            "build",
            "",
            43,
            44,
            "[ERROR] x",
            "x",
            List.of("[ERROR] cannot find symbol", "  symbol: applyDiscount"),
            List.of(),
            List.of(),
            1,
            FindingSource.LOG,
            Optional.empty(),
            List.of(),
            Optional.empty());
    return PromptBuilder.build("github acme/shop #1", List.of(f), ExplainOptions.DEFAULTS);
  }

  @Test
  void shouldAskForJsonAtTemperatureZeroAndReadTheAnswer() {
    server.then(FakeChatServer.answer("A method was removed.", "build", 43));
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      ModelAnswer a = m.complete(prompt(), t -> {});

      assertThat(a.rootCause()).isEqualTo("A method was removed.");
      assertThat(a.evidence()).containsExactly(new EvidenceLine("build", 43));
      assertThat(a.confidence()).isEqualTo("high");
      assertThat(a.inputTokens()).isEqualTo(100);
    }
    FakeChatServer.Request r = server.requests().get(0);
    assertThat(r.path()).isEqualTo("/v1/chat/completions");
    assertThat(r.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(r.body().path("model").asText()).isEqualTo("qwen2.5-coder");
    assertThat(r.body().path("temperature").asDouble(-1)).isZero();
    assertThat(r.body().path("response_format").path("type").asText()).isEqualTo("json_object");
    assertThat(r.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(r.body().path("messages").get(1).path("content").asText()).contains("<log-excerpt");
  }

  @Test
  void shouldStreamTheAnswerAsItArrives() {
    server.then(
        FakeChatServer.answer("A method was removed from PriceCalculator.", "build", 43, 44));
    List<String> deltas = new ArrayList<>();
    try (OpenAiLanguageModel m = model(true, Map.of())) {
      ModelAnswer a = m.complete(prompt(), deltas::add);

      assertThat(deltas).hasSizeGreaterThan(2);
      assertThat(String.join("", deltas)).contains("PriceCalculator");
      assertThat(a.evidence()).hasSize(2);
      assertThat(a.outputTokens()).isEqualTo(20);
    }
    assertThat(server.requests().get(0).body().path("stream").asBoolean()).isTrue();
  }

  @Test
  void shouldSayWhatToCheckOn401WithoutTheKey() {
    server.then(
        new FakeChatServer.Status(
            401, "{\"error\":{\"message\":\"bad key " + KEY + "\"}}", Map.of()));
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      assertThatThrownBy(() -> m.complete(prompt(), t -> {}))
          .isInstanceOf(DestillException.class)
          .hasMessageContaining("returned 401")
          .hasMessageContaining("DESTILL_LLM_API_KEY")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("\n"));
    }
  }

  @Test
  void shouldRetryA429AfterRetryAfterAndA5xxThenSucceed() {
    server
        .then(
            new FakeChatServer.Status(
                429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "1")))
        .then(new FakeChatServer.Status(503, "{\"error\":{\"message\":\"busy\"}}", Map.of()))
        .then(FakeChatServer.answer("Flaky.", "build", 43));
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      assertThat(m.complete(prompt(), t -> {}).rootCause()).isEqualTo("Flaky.");
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void shouldGiveUpOn5xxAfterItsRetries() {
    for (int i = 0; i < 3; i++) {
      server.then(new FakeChatServer.Status(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()));
    }
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      assertThatThrownBy(() -> m.complete(prompt(), t -> {}))
          .isInstanceOf(DestillException.Retriable.class)
          .hasMessageContaining("returned 500 after 2 retries");
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void shouldRejectAnAnswerThatIsNotTheJsonAskedFor() {
    server.then(new FakeChatServer.Content("I think the build failed because of reasons."));
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      assertThatThrownBy(() -> m.complete(prompt(), t -> {}))
          .hasMessageContaining("not the JSON object asked for");
    }
  }

  @Test
  void shouldReadAnAnswerWrappedInAFenceWithLooseEvidence() {
    server.then(
        new FakeChatServer.Content(
            "```json\n{\"root_cause\":\"x\",\"evidence\":[43,\"44\",\"build:45\",{\"line\":\"46\"}],\"fix\":\"\",\"confidence\":\"Not enough evidence\"}\n```"));
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      ModelAnswer a = m.complete(prompt(), t -> {});
      assertThat(a.evidence())
          .containsExactly(
              new EvidenceLine("", 43),
              new EvidenceLine("", 44),
              new EvidenceLine("build", 45),
              new EvidenceLine("", 46));
    }
  }

  @Test
  void shouldTimeOutOnAServerThatNeverAnswers() {
    server.then(new FakeChatServer.Hang());
    try (OpenAiLanguageModel m =
        model(false, Map.of(LlmSettings.TIMEOUT, "1", LlmSettings.RETRIES, "0"))) {
      assertThatThrownBy(() -> m.complete(prompt(), t -> {}))
          .isInstanceOf(DestillException.Retriable.class)
          .hasMessageContaining("did not answer within 1 s");
    }
  }

  @Test
  void shouldAskAgainWithoutResponseFormatWhenTheServerRefusesIt() {
    server
        .then(
            new FakeChatServer.Status(
                400,
                "{\"error\":{\"message\":\"response_format json_object is not supported\"}}",
                Map.of()))
        .then(FakeChatServer.answer("ok", "build", 43));
    try (OpenAiLanguageModel m = model(false, Map.of())) {
      assertThat(m.complete(prompt(), t -> {}).rootCause()).isEqualTo("ok");
    }
    assertThat(server.requests().get(1).body().has("response_format")).isFalse();
  }

  @Test
  void shouldStayOffUnlessBothUrlAndModelAreSet() {
    assertThat(LlmSettings.fromEnvironment(Map.of())).isEmpty();
    assertThatThrownBy(
            () -> LlmSettings.fromEnvironment(Map.of(LlmSettings.URL, "http://127.0.0.1:1/v1")))
        .hasMessageContaining("DESTILL_LLM_MODEL is not set");
    assertThatThrownBy(
            () ->
                LlmSettings.fromEnvironment(
                    Map.of(
                        LlmSettings.URL,
                        "http://127.0.0.1:1/v1",
                        LlmSettings.MODEL,
                        "m",
                        LlmSettings.API_KEY,
                        "sk-…")))
        .hasMessageContaining("cannot go in an HTTP header")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-"));
    assertThatThrownBy(
            () ->
                LlmSettings.fromEnvironment(
                    Map.of(LlmSettings.URL, "ftp://x/v1", LlmSettings.MODEL, "m")))
        .hasMessageContaining("must be an http(s) URL");
  }
}
