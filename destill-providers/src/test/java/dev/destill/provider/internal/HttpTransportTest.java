package dev.destill.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.destill.core.DestillException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpTransportTest {
  private static final URI PAGE_ONE =
      URI.create("https://api.github.com/repos/a/b/actions/runs/1/jobs?per_page=100");

  @Test
  void shouldRefuseAClientThatFollowsRedirectsItself() {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    assertThatThrownBy(
            () -> new HttpTransport(following, Clock.systemUTC(), d -> {}, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not follow redirects");
  }

  @Test
  void shouldFollowNextLinksOnTheSameOriginOnly() {
    assertThat(
            page("<https://api.github.com/repos/a/b/actions/runs/1/jobs?page=2>; rel=\"next\"")
                .nextLink())
        .contains(URI.create("https://api.github.com/repos/a/b/actions/runs/1/jobs?page=2"));
    assertThat(page("<https://evil.example/steal?page=2>; rel=\"next\"").nextLink()).isEmpty();
    assertThat(
            page("<http://api.github.com/repos/a/b/actions/runs/1/jobs?page=2>; rel=\"next\"")
                .nextLink())
        .as("a downgrade to http is another origin")
        .isEmpty();
  }

  @Test
  void shouldResolveARelativeNextLink() {
    assertThat(page("</repos/a/b/actions/runs/1/jobs?page=3>; rel=\"next\"").nextLink())
        .contains(URI.create("https://api.github.com/repos/a/b/actions/runs/1/jobs?page=3"));
  }

  private static HttpTransport.Page page(String link) {
    HttpHeaders headers = HttpHeaders.of(Map.of("Link", List.of(link)), (k, v) -> true);
    return new HttpTransport.Page(JsonNodeFactory.instance.objectNode(), headers, PAGE_ONE);
  }

  @Test
  void shouldReadRetryAfterAsAnHttpDate() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    HttpTransport http =
        new HttpTransport(HttpTransport.defaultClient(), clock, d -> {}, Duration.ofSeconds(1));
    var response =
        new FakeResponse(429, Map.of("Retry-After", List.of("Thu, 01 Jan 2026 00:00:42 GMT")));

    assertThat(http.rateLimitWait(response)).contains(Duration.ofSeconds(42));
  }

  private static final ApiAccess ACCESS =
      new ApiAccess(
          "GitHub",
          "GITHUB_TOKEN",
          "scopes",
          "Authorization",
          "Bearer t",
          URI.create("http://127.0.0.1"));

  private static String readAll(HttpTransport http, String url) throws IOException {
    try (InputStream in = http.get(URI.create(url + "/log"), ACCESS, "*/*").body()) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void shouldFailABodyThatStopsFlowingAndNameTheHost() throws Exception {
    try (StallingServer server = new StallingServer()) {
      HttpTransport http =
          new HttpTransport(
              HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofMillis(300));

      assertThatThrownBy(() -> assertTimeoutPreemptively(HANG, () -> readAll(http, server.url())))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1 stopped sending");
    }
  }

  @Test
  void shouldFailADownloadPastItsDeadline() throws Exception {
    try (StallingServer server = new StallingServer()) {
      HttpTransport http =
          new HttpTransport(
              HttpTransport.defaultClient(),
              Clock.systemUTC(),
              d -> {},
              Duration.ofSeconds(30),
              Duration.ofMillis(500));

      assertThatThrownBy(() -> assertTimeoutPreemptively(HANG, () -> readAll(http, server.url())))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1 did not finish sending within");
    }
  }

  @Test
  void shouldReportAStalledJsonResponseAsRetriableWithTheHost() throws Exception {
    try (StallingServer server = new StallingServer("{\"jobs\":[")) {
      HttpTransport http =
          new HttpTransport(
              HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofMillis(300));

      assertThatThrownBy(
              () ->
                  assertTimeoutPreemptively(
                      HANG, () -> http.getJson(URI.create(server.url() + "/api"), ACCESS)))
          .isInstanceOf(DestillException.Retriable.class)
          .hasMessageContaining("127.0.0.1 stopped sending");
    }
  }

  private static final Duration HANG = Duration.ofSeconds(60);

  @Test
  void shouldSendTheTokenOnlyToTheApiOrigin() {
    ApiAccess access =
        new ApiAccess(
            "GitHub",
            "GITHUB_TOKEN",
            "s",
            "Authorization",
            "Bearer t",
            URI.create("https://api.github.com"));
    assertThat(
            access.trusts(URI.create("https://api.github.com/repos/a/b/actions/artifacts/1/zip")))
        .isTrue();
    assertThat(access.trusts(URI.create("https://evil.example/repos/a/b"))).isFalse();
    assertThat(access.trusts(URI.create("https://api.github.com:8443/x"))).isFalse();
    assertThat(access.trusts(URI.create("http://api.github.com/x"))).isFalse();
  }

  @Test
  void shouldKeepCredentialsAndQueriesOutOfMessages() {
    assertThat(HttpTransport.redact(URI.create("https://bob:pw@host.example:8443/a/b?sig=s")))
        .isEqualTo("https://host.example:8443/a/b");
  }
}
