package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.config.Settings;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code destill agent} as the process a user runs: it serves health, readiness and metrics, and a
 * SIGTERM stops it cleanly, without a stack trace.
 */
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

  private String get(int port, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void shouldServeHealthAndMetricsAndStopCleanlyOnSigterm() throws Exception {
    Path jar = Path.of("target", "destill.jar").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "agent",
            "sink");
    pb.environment().putAll(cluster.env());
    pb.environment().put(Settings.METRICS_PORT.variable(), "0");
    pb.environment().put(Settings.METRICS_HOST.variable(), "127.0.0.1");
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
    reader.start();
    try {
      Pattern running = Pattern.compile("sink agent running; .* on port (\\d+)");
      int port =
          TestCluster.await(
              Duration.ofSeconds(60),
              "the agent to say it runs",
              () -> {
                synchronized (output) {
                  for (String line : output) {
                    Matcher m = running.matcher(line);
                    if (m.find()) {
                      return java.util.Optional.of(Integer.parseInt(m.group(1)));
                    }
                  }
                }
                return java.util.Optional.empty();
              });
      assertThat(get(port, "/health")).isEqualTo("200 ok");
      TestCluster.awaitTrue(
          Duration.ofSeconds(30),
          "the agent to be ready",
          () -> {
            try {
              return get(port, "/ready").equals("200 ready");
            } catch (Exception e) {
              return false;
            }
          });
      // The first poll reports the consumer's lag.
      TestCluster.awaitTrue(
          Duration.ofSeconds(30),
          "the agent to report its lag",
          () -> {
            try {
              return get(port, "/metrics").contains("destill_consumer_lag{agent=\"sink\"");
            } catch (Exception e) {
              return false;
            }
          });

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
      reader.join(5000);
      assertThat(p.exitValue()).isIn(0, 143);
      assertThat(String.join("\n", output)).doesNotContain("Exception").doesNotContain("\tat ");
    } finally {
      p.destroyForcibly();
    }
  }
}
