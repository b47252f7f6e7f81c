package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.llm.FakeChatServer;
import dev.destill.llm.LlmSettings;
import dev.destill.llm.OpenAiLanguageModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The explain agent over the test Kafka and PostgreSQL, with the ingest, analyze and sink agents
 * and a local chat-completions server: the sink announces each completed request, the agent
 * explains it, the insight sink stores one explanation per request, and an agent stopped while the
 * model is still answering loses none of its requests to the next one.
 */
class ExplainAgentIT {
  private static String submit(TestCluster cluster, String url) {
    CliRunner.Result r = CliRunner.runWithEnv(cluster.env(), "submit", url);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
    return r.out().strip();
  }

  private static OpenAiLanguageModel model(FakeChatServer chat) {
    Map<String, String> env = new HashMap<>();
    env.put(LlmSettings.URL, chat.baseUrl());
    env.put(LlmSettings.MODEL, "local-model");
    env.put(LlmSettings.TIMEOUT, "10");
    env.put(LlmSettings.RETRIES, "0");
    return new OpenAiLanguageModel(LlmSettings.fromEnvironment(env).orElseThrow(), false);
  }

  @Test
  void shouldStoreOneExplanationPerRequestAndLoseNoneWhenRestartedMidBatch() throws Exception {
    try (TestCluster cluster = TestCluster.start();
        FakeChatServer chat = new FakeChatServer();
        OpenAiLanguageModel first = model(chat);
        OpenAiLanguageModel second = model(chat)) {
      cluster.startIngest();
      cluster.startAnalyze(AgentMetrics.NONE);
      cluster.startSinkAnnouncing();
      // The first request to the model never gets an answer: the agent is stopped meanwhile.
      chat.then(new FakeChatServer.Hang());
      TestCluster.RunningAgent stopped = cluster.startExplain(first);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        FakeBuild build = FakeBuild.generate(70 + i, 20_000, 1 + i);
        build.serve(cluster.api);
        ids.add(submit(cluster, build.url()));
      }
      TestCluster.awaitTrue(
          Duration.ofSeconds(90), "the model to be asked", () -> !chat.requests().isEmpty());

      // Stopped while the model has not answered (it would time out after 10 s).
      stopped.close();
      for (String id : ids) {
        cluster.awaitFinal(id, Duration.ofSeconds(90));
      }

      assertThat(ids)
          .as("nothing stored for a poll handed back")
          .allSatisfy(id -> assertThat(cluster.explanations().explanationOf(id)).isEmpty());
      int asked = chat.requests().size();
      for (int i = 0; i < 6; i++) {
        chat.then(FakeChatServer.answer("The build broke on the planted error " + i + ".", "", 1));
      }
      cluster.startExplain(second);
      for (String id : ids) {
        TestCluster.awaitTrue(
            Duration.ofSeconds(60),
            "an explanation of " + id,
            () -> cluster.explanations().explanationOf(id).isPresent());
      }
      assertThat(ids)
          .allSatisfy(
              id ->
                  assertThat(cluster.explanations().explanationOf(id).orElseThrow().model())
                      .isEqualTo("local-model"));
      assertThat(chat.requests().size() - asked)
          .as("at most one request to the model per request explained")
          .isBetween(1, ids.size());
      int sent = ids.stream().mapToInt(id -> cluster.explanations().sentFor(id).size()).sum();
      assertThat(sent)
          .as("each request recorded once: the answered ones (a reused one sends nothing)")
          .isEqualTo(chat.requests().size() - asked);
    }
  }
}
