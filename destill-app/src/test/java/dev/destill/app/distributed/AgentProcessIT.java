package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.cli.ExitCodes;
import dev.destill.app.config.Settings;
import dev.destill.core.broker.Broker;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.wire.MessageJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code destill agent} as the process a user runs: it serves health, readiness and metrics, a
 * SIGTERM stops it cleanly with exit 0, and an agent that cannot go on says why and exits non-zero.
 * The last test stops the cluster's PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentProcessIT {
  private static TestCluster cluster;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private String get(int port, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "unreachable " + e;
    }
  }

  /** A running agent process, what it printed, and the port of its endpoints. */
  record Agent(Process process, List<String> output, int port) {
    String printed() {
      synchronized (output) {
        return String.join("\n", output);
      }
    }
  }

  private static Agent start(String kind, Map<String, String> extraEnv) throws Exception {
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "agent",
            kind);
    pb.environment().putAll(cluster.env());
    pb.environment().put(Settings.METRICS_PORT.variable(), "0");
    pb.environment().put(Settings.METRICS_HOST.variable(), "127.0.0.1");
    pb.environment().putAll(extraEnv);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(line);
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    Pattern running = Pattern.compile(kind + " agent running; .* on port (\\d+)");
    int port =
        TestCluster.await(
            Duration.ofSeconds(60),
            "the agent to say it runs",
            () -> {
              synchronized (output) {
                for (String line : output) {
                  Matcher m = running.matcher(line);
                  if (m.find()) {
                    return Optional.of(Integer.parseInt(m.group(1)));
                  }
                }
              }
              return Optional.empty();
            });
    return new Agent(p, output, port);
  }

  @Test
  @Order(1)
  void shouldServeHealthAndMetricsAndExitZeroOnSigterm() throws Exception {
    Agent a = start("sink", Map.of());
    try {
      assertThat(get(a.port(), "/health")).isEqualTo("200 ok");
      TestCluster.awaitTrue(
          Duration.ofSeconds(30),
          "the agent to be ready",
          () -> get(a.port(), "/ready").equals("200 ready"));
      // The first poll reports the consumer's lag.
      TestCluster.awaitTrue(
          Duration.ofSeconds(30),
          "the agent to report its lag",
          () -> get(a.port(), "/metrics").contains("destill_consumer_lag{agent=\"sink\""));

      a.process().destroy(); // SIGTERM
      assertThat(a.process().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
      assertThat(a.process().exitValue()).as(a.printed()).isEqualTo(ExitCodes.OK);
      assertThat(a.printed()).doesNotContain("Exception").doesNotContain("\tat ");
    } finally {
      a.process().destroyForcibly();
    }
  }

  @Test
  @Order(2)
  void shouldTurnNotReadyAndExitNonZeroWithTheReasonWhenPostgresStaysAway() throws Exception {
    Agent a = start("sink", Map.of(Settings.RETRY_SECONDS.variable(), "2"));
    try {
      TestCluster.awaitTrue(
          Duration.ofSeconds(30),
          "the agent to be ready",
          () -> get(a.port(), "/ready").equals("200 ready"));

      cluster.postgres.close(); // the database goes away for good
      TestCluster.awaitTrue(
          Duration.ofSeconds(30),
          "the agent to say it is not ready",
          () -> get(a.port(), "/ready").startsWith("503"));
      assertThat(get(a.port(), "/health")).as("alive, only not ready").isEqualTo("200 ok");
      // Something to write, which cannot be written.
      try (Broker broker = cluster.services().connectBroker()) {
        broker.publish(
            Topics.FINDINGS,
            "req-away",
            new MessageJson()
                .encode(
                    new PipelineMessage.Progress(
                        new RequestEvent.Failed("req-away", "for the store to refuse"))));
        broker.flush(Duration.ofSeconds(30));
      }

      assertThat(a.process().waitFor(60, TimeUnit.SECONDS)).as("gave up").isTrue();
      assertThat(a.process().exitValue()).as(a.printed()).isEqualTo(ExitCodes.AGENT_UNAVAILABLE);
      assertThat(a.printed())
          .containsPattern("destill: sink agent stopped: gave up after \\d+ attempts")
          .doesNotContain("\tat ");
    } finally {
      a.process().destroyForcibly();
    }
  }
}
