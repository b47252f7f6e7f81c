package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.llm.FakeChatServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-process {@code destill serve} with a model configured explains every complete analysis in
 * this process with the explain agent, against a local chat-completions server: the document gains
 * the {@code explanation}, and the same failure again reuses it without asking the model.
 */
class ServeExplainTest {
  private static final Duration DONE = Duration.ofSeconds(60);
  private static final String LOG =
      "$ mvn -B verify\n"
          + "[ERROR] /work/src/main/java/com/acme/Cart.java:[87,29] cannot find symbol\n"
          + "[ERROR] BUILD FAILURE\n";

  @TempDir Path home;

  private static Map<String, String> upload() {
    return Map.of("Authorization", "Bearer " + ServeFixture.TOKEN, "Content-Type", "text/plain");
  }

  private static JsonNode awaitExplained(ServeFixture f, String id) {
    AtomicReference<JsonNode> doc = new AtomicReference<>();
    await()
        .atMost(DONE)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              doc.set(json(f.get("/api/v1/analyses/" + id, Map.of())));
              return doc.get().has("explanation");
            });
    return doc.get();
  }

  @Test
  void shouldExplainEachCompleteAnalysisInProcessAndReuseTheExplanation() throws Exception {
    try (FakeChatServer chat = new FakeChatServer()) {
      chat.then(FakeChatServer.answer("Cart.java uses a symbol that does not exist.", "tests", 2));
      Map<String, String> llm =
          Map.of(
              "DESTILL_LLM_URL", chat.baseUrl(),
              "DESTILL_LLM_MODEL", "local-model",
              "DESTILL_LLM_API_KEY", "sk-local-0123456789",
              "DESTILL_LLM_MAX_RETRIES", "0");
      try (ServeFixture f = ServeFixture.start(home, llm)) {
        byte[] body = LOG.getBytes(StandardCharsets.UTF_8);
        String first =
            json(f.post("/api/v1/analyses?job=tests", upload(), body)).path("request_id").asText();

        JsonNode doc = awaitExplained(f, first);

        assertThat(doc.path("status").asText()).isEqualTo("complete");
        JsonNode e = doc.path("explanation");
        assertThat(e.path("root_cause").asText()).contains("symbol that does not exist");
        assertThat(e.path("evidence").get(0).path("line").asLong()).isEqualTo(2);
        assertThat(e.path("model").asText()).isEqualTo("local-model");
        assertThat(e.path("confidence").asText()).isEqualTo("high");
        assertThat(e.path("cached").asBoolean()).isFalse();
        assertThat(chat.requests()).hasSize(1);
        assertThat(chat.requests().get(0).body().toString()).contains("cannot find symbol");

        String second =
            json(f.post("/api/v1/analyses?job=tests", upload(), body)).path("request_id").asText();
        JsonNode again = awaitExplained(f, second).path("explanation");

        assertThat(again.path("cached").asBoolean()).as(again.toString()).isTrue();
        assertThat(again.path("root_cause").asText()).isEqualTo(e.path("root_cause").asText());
        assertThat(chat.requests()).as("the same failure asks the model once").hasSize(1);
      }
    }
  }

  @Test
  void shouldExplainNothingWhenNoModelIsConfigured() {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      String id =
          json(f.post("/api/v1/analyses", upload(), LOG.getBytes(StandardCharsets.UTF_8)))
              .path("request_id")
              .asText();

      JsonNode doc = f.awaitFinal(id, DONE);

      assertThat(doc.path("status").asText()).isEqualTo("complete");
      assertThat(doc.has("explanation")).isFalse();
    }
  }
}
