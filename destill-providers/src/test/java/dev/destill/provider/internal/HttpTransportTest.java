package dev.destill.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
}
