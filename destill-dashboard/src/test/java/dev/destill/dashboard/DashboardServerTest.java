package dev.destill.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.server.DestillServer;
import dev.destill.server.ServerMetrics;
import dev.destill.server.ServerSettings;
import dev.destill.server.analysis.Labels;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard on the real server over HTTP: server-side paging through 10,000 stored analyses,
 * the security headers, and the CSRF check of the login and logout forms.
 */
class DashboardServerTest {
  private static final String READ = "read-token-0123456789";
  private final StoredAnalyses analyses = new StoredAnalyses();
  private final HttpClient http = HttpClient.newHttpClient();
  private DestillServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    http.close();
  }

  private void start(Optional<String> readToken) {
    ServerSettings s =
        new ServerSettings(
            "127.0.0.1",
            0,
            Optional.of("write-token-0123456789"),
            readToken,
            readToken.isPresent(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofMinutes(5),
            1 << 20,
            1 << 20,
            16 << 10,
            64,
            1,
            10,
            Duration.ofSeconds(1),
            Optional.empty(),
            Optional.empty());
    Clock clock = Clock.systemUTC();
    server =
        DestillServer.start(
            s,
            analyses,
            new ServerMetrics(),
            clock,
            List.of(new Dashboard(analyses, s, clock, Optional.empty())));
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldPageTenThousandStoredAnalysesOnTheServer() throws Exception {
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    for (int i = 0; i < 10_000; i++) {
      analyses.listings.add(
          new Listing(
              String.format("req-%05d", i),
              Status.COMPLETE,
              "https://github.com/acme/shop/actions/runs/" + i,
              "shop run " + i,
              new Labels("github", "acme/shop", i % 2 == 0 ? "main" : "dev"),
              0,
              t0.plusSeconds(i),
              t0.plusSeconds(i)));
    }
    start(Optional.empty());

    HttpResponse<String> first = get("/");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(rows(first.body())).hasSize(AnalysesPage.PAGE).first().isEqualTo("req-09999");
    assertThat(first.body()).contains("rel=\"next\" href=\"/?offset=25\"");

    HttpResponse<String> last = get("/?offset=9975");
    assertThat(rows(last.body())).hasSize(25).last().isEqualTo("req-00000");
    assertThat(last.body()).doesNotContain("rel=\"next\"").contains("rel=\"prev\"");

    HttpResponse<String> dev = get("/?branch=dev&offset=4990");
    assertThat(rows(dev.body())).hasSize(10).last().isEqualTo("req-00001");

    // The port was asked for one page (and one row more, to know of a next page), never all.
    assertThat(analyses.asked).isNotEmpty().allMatch(q -> q.limit() == AnalysesPage.PAGE + 1);
  }

  @Test
  void shouldSendTheSecurityHeadersOnEveryPage() throws Exception {
    start(Optional.empty());
    for (String path :
        List.of("/", "/failures", "/stats", "/analyses/nope", "/assets/dashboard.js")) {
      HttpResponse<String> r = get(path);
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .contains(Dashboard.CSP);
      assertThat(Dashboard.CSP)
          .contains("script-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
    }
  }

  @Test
  void shouldRefuseALoginWithoutTheFormsCsrfValue() throws Exception {
    start(Optional.of(READ));
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).contains("/login?next=%2F");

    HttpResponse<String> form = get("/login");
    String cookie = cookie(form, Auth.CSRF);
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form.body());
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo(cookie);
    String jar = Auth.CSRF + "=" + cookie;

    // No value, a wrong one, no cookie, another site's origin: all refused, no session.
    for (var attempt :
        List.of(
            new String[] {"token=" + READ, jar},
            new String[] {"token=" + READ + "&csrf=" + "A".repeat(43), jar},
            new String[] {"token=" + READ + "&csrf=" + cookie, ""},
            new String[] {"token=" + READ + "&csrf=" + cookie, jar, "https://evil.example"})) {
      HttpResponse<String> r =
          attempt.length == 3
              ? post("/login", attempt[0], "Cookie", attempt[1], "Origin", attempt[2])
              : attempt[1].isEmpty()
                  ? post("/login", attempt[0])
                  : post("/login", attempt[0], "Cookie", attempt[1]);
      assertThat(r.statusCode()).as(String.join(" ", attempt)).isEqualTo(403);
      assertThat(r.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(Auth.SESSION));
    }

    // A wrong token with a good form is refused too; the right one gets a session.
    assertThat(post("/login", "token=nope&csrf=" + cookie, "Cookie", jar).statusCode())
        .isEqualTo(401);
    HttpResponse<String> ok =
        post("/login", "token=" + READ + "&csrf=" + cookie + "&next=%2Fstats", "Cookie", jar);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("/stats");
    String session = cookie(ok, Auth.SESSION);
    assertThat(session).doesNotContain(READ);
    String both = jar + "; " + Auth.SESSION + "=" + session;
    assertThat(get("/", "Cookie", both).statusCode()).isEqualTo(200);

    // Logging out is a form too.
    assertThat(post("/logout", "", "Cookie", both).statusCode()).isEqualTo(403);
    assertThat(post("/logout", "csrf=" + cookie, "Cookie", both).statusCode()).isEqualTo(303);
  }

  private static List<String> rows(String html) {
    Matcher m = Pattern.compile("<span class=\"rid\">([^<]+)</span>").matcher(html);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String cookie(HttpResponse<String> r, String name) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers()));
  }
}
