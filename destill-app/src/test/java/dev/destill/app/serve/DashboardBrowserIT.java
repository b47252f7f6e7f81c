package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.bytes;
import static dev.destill.app.serve.ServeFixture.json;
import static dev.destill.app.serve.ServeFixture.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard in a real browser (Debian's chromium, headless): live analyses from a webhook, an
 * analysis with its top finding and lines, the recurring page's chart, search and filters, the
 * keyboard, a phone's width, the login, and a hostile log that must stay text. Screenshots go to
 * {@code docs/} for {@code docs/dashboard.md}.
 */
class DashboardBrowserIT {
  private static final Duration DONE = Duration.ofSeconds(60);
  private static final String COMPILE_ERROR =
      "src/main/java/com/acme/Cart.java:[87,29] cannot find symbol";

  @TempDir Path home;
  private ServeFixture f;
  private Browser b;
  private GatedBuildkite gated;

  @AfterEach
  void stop() {
    if (b != null) {
      b.close();
    }
    if (f != null) {
      f.close();
    }
    if (gated != null) {
      gated.close();
    }
  }

  private void start(Map<String, String> env, int width, int height) {
    f = ServeFixture.start(home, env);
    b = Browser.start(width, height);
  }

  private String upload(String job, String log) {
    String id = submit(job, log);
    assertThat(f.awaitFinal(id, DONE).path("status").asText()).isEqualTo("complete");
    return id;
  }

  private String submit(String job, String log) {
    HttpResponse<String> r =
        f.post(
            "/api/v1/analyses?job=" + job,
            Map.of("Authorization", "Bearer " + ServeFixture.TOKEN, "Content-Type", "text/plain"),
            log.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return json(r).path("request_id").asText();
  }

  private static String mavenLog(String extra) {
    return "[INFO] Scanning for projects...\n"
        + "[INFO] Building shop 1.0\n"
        + "[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ shop ---\n"
        + "[ERROR] COMPILATION ERROR :\n"
        + "[ERROR] /home/runner/work/shop/"
        + COMPILE_ERROR
        + "\n"
        + "  symbol:   method applyDiscount(com.acme.Cart,java.math.BigDecimal)\n"
        + "  location: class com.acme.PriceCalculator\n"
        + "[INFO] 1 error\n"
        + extra
        + "[INFO] BUILD FAILURE\n"
        + "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:"
        + "compile (default-compile) on project shop: Compilation failure\n";
  }

  private void open(String path) {
    b.driver.get(f.url(path));
  }

  private String text(String css) {
    return b.driver.findElement(By.cssSelector(css)).getText();
  }

  private List<WebElement> all(String css) {
    return b.driver.findElements(By.cssSelector(css));
  }

  private void noCspViolations() {
    assertThat(b.js("return document.documentElement.dataset.cspViolations || '0'"))
        .as("Content-Security-Policy violations on " + b.driver.getCurrentUrl())
        .isEqualTo("0");
  }

  // ------------------------------------------------------------------------------------------

  @Test
  void shouldShowAWebhookStartedAnalysisLiveOnTheAnalysesPage() {
    gated = new GatedBuildkite();
    start(Map.of("BUILDKITE_API_URL", gated.apiUrl()), 1280, 900);
    f.serveGitHubRun();
    open("/");
    assertThat(text("#rows")).contains("No analyses match.");
    b.js("window.__sameDocument = 'yes'");

    byte[] body = bytes(sample("github-workflow_job-completed-failure.json"));
    HttpResponse<String> hook =
        f.post(
            "/webhooks/github", ServeFixture.githubHeaders("workflow_job", "live-1", body), body);
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(202);

    await()
        .atMost(DONE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(text("#rows")).contains("Codertocat/Hello-World");
              assertThat(text("#rows .st")).isEqualTo("complete");
              assertThat(text("#rows .top")).contains("Cannot find name 'undefinedThing'");
            });
    assertThat(b.js("return window.__sameDocument")).as("no reload").isEqualTo("yes");

    // A running one shows its progress, and then its end, still without a reload.
    HttpResponse<String> running =
        f.post(
            "/api/v1/analyses",
            Map.of(
                "Authorization",
                "Bearer " + ServeFixture.TOKEN,
                "Content-Type",
                "application/json"),
            ("{\"url\":\"" + GatedBuildkite.buildUrl(7) + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(running.statusCode()).isEqualTo(202);
    await()
        .atMost(DONE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(text("#rows tr:first-child .st")).isEqualTo("running");
              assertThat(all("#rows tr:first-child .progress progress")).hasSize(1);
              assertThat(text("#rows tr:first-child .progress")).contains("finding");
            });
    b.screenshot("dashboard-analyses.png");
    gated.release();
    await()
        .atMost(DONE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(text("#rows tr:first-child .st")).isEqualTo("complete"));
    assertThat(b.js("return window.__sameDocument")).isEqualTo("yes");
    noCspViolations();
  }

  @Test
  void shouldShowTheTopFindingWithItsNumberedLinesAndContext() {
    start(Map.of(), 1280, 1000);
    String id = upload("build", mavenLog(""));
    open("/analyses/" + id);

    WebElement first = all("li.finding").getFirst();
    assertThat(first.findElement(By.cssSelector("h3.msg")).getText()).contains(COMPILE_ERROR);
    assertThat(first.findElement(By.cssSelector(".permalink")).getText()).isEqualTo("#1");
    List<String> numbers =
        first.findElements(By.cssSelector("pre.block .n")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(numbers).first().isEqualTo("5");
    assertThat(first.findElement(By.cssSelector("pre.block")).getText())
        .contains("symbol:   method applyDiscount");
    assertThat(first.findElement(By.cssSelector(".where")).getText()).contains("build");
    assertThat(first.findElement(By.cssSelector(".seen")).getAttribute("href"))
        .contains("/failures?hash=");
    WebElement context = first.findElement(By.cssSelector("details.context"));
    assertThat(context.getAttribute("open")).isNull();
    context.findElement(By.tagName("summary")).click();
    assertThat(context.getText()).contains("Scanning for projects");
    assertThat(text("section.jobs")).contains("build").contains("failed");

    // The permalink of a finding selects it when opened.
    String anchor = first.getAttribute("id");
    open("/analyses/" + id + "#" + anchor);
    assertThat(b.js("return document.querySelector('li.finding.current').id")).isEqualTo(anchor);
    b.screenshot("dashboard-analysis.png");
    b.colorScheme("dark");
    open("/analyses/" + id);
    assertThat(b.js("return getComputedStyle(document.body).backgroundColor"))
        .isEqualTo("rgb(18, 20, 23)");
    b.screenshot("dashboard-analysis-dark.png");
    noCspViolations();
  }

  @Test
  void shouldChartTheBuildsPerDayOfARecurringFailure() {
    start(Map.of(), 1280, 1000);
    for (int i = 0; i < 3; i++) {
      upload("build", mavenLog("[INFO] run " + i + "\n"));
    }
    upload(
        "other",
        "npm ERR! code ELIFECYCLE\nnpm ERR! errno 1\nError: Cannot find module 'left-pad'\n");
    open("/failures?days=30");

    WebElement top =
        all("li.print").stream()
            .filter(p -> p.findElement(By.cssSelector("h2.msg")).getText().contains(COMPILE_ERROR))
            .findFirst()
            .orElseThrow();
    assertThat(top.findElement(By.cssSelector("dd.builds")).getText()).isEqualTo("3");
    assertThat(text("body")).as("seen in one build only").doesNotContain("left-pad");
    WebElement chart = top.findElement(By.cssSelector(".chart"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "true".equals(b.js("return arguments[0].dataset.drawn", chart)));
    @SuppressWarnings("unchecked")
    List<Long> counts = (List<Long>) b.js("return arguments[0].chart.data[1]", chart);
    assertThat(counts).hasSize(30);
    assertThat(counts.getLast()).as("today").isEqualTo(3L);
    assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(3L);
    assertThat(chart.findElements(By.tagName("canvas"))).hasSize(1);
    assertThat(top.findElement(By.cssSelector("details.broke")).getAttribute("textContent"))
        .contains("Builds it broke (3)");
    assertThat(top.getText()).contains("new this week");
    b.screenshot("dashboard-failures.png");

    // The fingerprint's own page lists every build it broke.
    top.findElement(By.cssSelector("dl.facts a")).click();
    assertThat(all("li.print")).hasSize(1);
    assertThat(all("details.broke li")).hasSize(3);
    noCspViolations();
  }

  @Test
  void shouldSearchAndFilterTheAnalyses() {
    start(Map.of(), 1280, 900);
    f.serveGitHubRun();
    byte[] body = bytes(sample("github-workflow_job-completed-failure.json"));
    HttpResponse<String> hook =
        f.post("/webhooks/github", ServeFixture.githubHeaders("workflow_job", "s-1", body), body);
    f.awaitFinal(json(hook).path("request_id").asText(), DONE);
    upload("unit-tests", mavenLog(""));

    open("/");
    assertThat(all("#rows tr.row")).hasSize(2);
    b.driver.findElement(By.cssSelector("select[name=provider] option[value=github]")).click();
    b.driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
    // The filtered page loads after the click returns.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                b.driver.getCurrentUrl().contains("provider=github")
                    && all("#rows tr.row").size() == 1);
    assertThat(text("#rows")).contains("Codertocat/Hello-World");

    open("/?provider=upload");
    assertThat(all("#rows tr.row")).hasSize(1);
    assertThat(text("#rows")).doesNotContain("Hello-World");

    open("/");
    WebElement search = b.driver.findElement(By.id("search"));
    search.sendKeys("hello-world", Keys.ENTER);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.driver.getCurrentUrl().contains("q=hello-world"));
    assertThat(all("#rows tr.row")).hasSize(1);
    assertThat(text("#rows")).contains("Codertocat/Hello-World");

    open("/?q=no-such-build");
    assertThat(text("#rows")).contains("No analyses match.");
    open("/?state=failed");
    assertThat(text("#rows")).contains("No analyses match.");
    open("/?state=complete&branch=main");
    assertThat(all("#rows tr.row")).hasSize(1);
  }

  @Test
  void shouldMoveThroughFindingsWithTheKeyboard() {
    start(Map.of(), 1280, 900);
    String id = upload("build", mavenLog(""));
    open("/analyses/" + id);
    Actions keys = new Actions(b.driver);
    List<WebElement> findings = all("li.finding");
    assertThat(findings.size()).isGreaterThanOrEqualTo(3);

    keys.sendKeys("j").perform();
    assertThat(currentFinding()).isEqualTo(findings.get(0).getAttribute("id"));
    keys.sendKeys("j").perform();
    keys.sendKeys("j").perform();
    assertThat(currentFinding()).isEqualTo(findings.get(2).getAttribute("id"));
    keys.sendKeys("k").perform();
    assertThat(currentFinding()).isEqualTo(findings.get(1).getAttribute("id"));
    assertThat(b.js("return document.activeElement.id"))
        .isEqualTo(findings.get(1).getAttribute("id"));

    keys.sendKeys(Keys.ENTER).perform();
    assertThat(findings.get(1).findElement(By.cssSelector("details.context")).getAttribute("open"))
        .isNotNull();
    keys.sendKeys("G").perform();
    assertThat(currentFinding()).isEqualTo(findings.getLast().getAttribute("id"));
    keys.sendKeys("g").perform();
    assertThat(currentFinding()).isEqualTo(findings.getFirst().getAttribute("id"));

    keys.sendKeys("?").perform();
    assertThat(b.js("return document.getElementById('keys').open")).isEqualTo(true);
    keys.sendKeys(Keys.ESCAPE).perform();
    assertThat(b.js("return document.getElementById('keys').open")).isEqualTo(false);

    keys.sendKeys("/").perform();
    assertThat(b.js("return document.activeElement.id")).isEqualTo("search");
    keys.sendKeys("applyDiscount", Keys.ENTER).perform();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.driver.getCurrentUrl().contains("q=applyDiscount"));
    assertThat(all("li.finding")).isNotEmpty().hasSizeLessThan(findings.size());

    // On the list, j and Enter open an analysis.
    open("/");
    await().atMost(Duration.ofSeconds(10)).until(() -> !all("tr.row").isEmpty());
    keys.sendKeys("j").perform();
    keys.sendKeys(Keys.ENTER).perform();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.driver.getCurrentUrl().contains("/analyses/" + id));
    noCspViolations();
  }

  private String currentFinding() {
    return (String) b.js("var c = document.querySelector('li.finding.current'); return c && c.id");
  }

  @Test
  void shouldFitAPhoneWithoutScrollingSideways() {
    start(Map.of(), 390, 844);
    String id = upload("build", mavenLog("[ERROR] " + "x".repeat(400) + "\n"));
    for (String page : List.of("/", "/analyses/" + id, "/failures", "/stats")) {
      open(page);
      long scroll = (Long) b.js("return document.documentElement.scrollWidth");
      long inner = (Long) b.js("return window.innerWidth");
      assertThat(scroll).as("page width of " + page).isLessThanOrEqualTo(inner);
      if (page.equals("/")) {
        b.screenshot("dashboard-phone-analyses.png");
      }
      if (page.startsWith("/analyses/")) {
        b.screenshot("dashboard-phone-analysis.png");
      }
    }
    // The server counts what it analyzes: the uploaded build's lines are in the hot stats.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              open("/stats");
              return (Long) b.js("return document.querySelectorAll('table.totals tbody tr').length")
                  > 0;
            });
  }

  @Test
  void shouldShowAHostileLogAsTextAndRunNoneOfIt() {
    start(Map.of(), 1280, 900);
    String huge = "ERROR: huge " + "A".repeat(5 * 1024 * 1024);
    String log =
        "step one\n"
            + "ERROR: <script>window.__pwned = 1</script>\n"
            + "ERROR: <img src=x onerror=\"window.__pwned = 2\">\n"
            + "ERROR: <a href=\"javascript:window.__pwned = 3\">click me</a>\n"
            + "ERROR: &lt;b&gt; &amp; &#x3C;script&#x3E; entities stay text\n"
            + "ERROR: reversed \u202Egnp.exe\u202C file\n"
            + huge
            + "\nProcess completed with exit code 1.\n";
    String id = upload("hostile", log);
    open("/analyses/" + id);

    String page = text("main");
    assertThat(page).contains("<script>window.__pwned = 1</script>");
    assertThat(page).contains("<img src=x onerror=\"window.__pwned = 2\">");
    assertThat(page).contains("<a href=\"javascript:window.__pwned = 3\">click me</a>");
    assertThat(page).contains("&lt;b&gt; &amp; &#x3C;script&#x3E; entities stay text");
    assertThat(page).contains("⟨U+202E⟩gnp.exe⟨U+202C⟩");
    assertThat(page).contains("more bytes]");
    assertThat(b.js("return typeof window.__pwned")).isEqualTo("undefined");
    assertThat(all("main script, main img, main iframe, main object")).isEmpty();
    assertThat(all("a[href^='javascript:' i]")).isEmpty();
    assertThat(all("[onerror], [onclick], [onload]")).isEmpty();
    assertThat(b.js("return document.scripts.length")).isEqualTo(4L);
    noCspViolations();

    // The list and the recurring page show the same lines as text too.
    open("/");
    assertThat(b.js("return typeof window.__pwned")).isEqualTo("undefined");
    open("/failures?hash=" + "0".repeat(64));
    assertThat(b.js("return typeof window.__pwned")).isEqualTo("undefined");
  }

  @Test
  void shouldAskForTheReadTokenWhenReadsNeedOne() {
    start(Map.of("DESTILL_SERVER_READ_TOKEN", ServeFixture.READ_TOKEN), 1280, 900);
    String id = submit("build", mavenLog(""));
    await()
        .atMost(DONE)
        .until(
            () ->
                json(f.get("/api/v1/analyses/" + id, ServeFixture.bearer(ServeFixture.READ_TOKEN)))
                    .path("status")
                    .asText()
                    .equals("complete"));
    open("/analyses/" + id);
    assertThat(b.driver.getCurrentUrl()).contains("/login?next=");
    b.driver.findElement(By.id("token")).sendKeys("not-the-token", Keys.ENTER);
    await().atMost(Duration.ofSeconds(10)).until(() -> all("[role=alert]").size() == 1);
    assertThat(text("[role=alert]")).contains("not accepted");
    assertThat(b.driver.getPageSource()).doesNotContain(ServeFixture.READ_TOKEN);

    b.driver.findElement(By.id("token")).sendKeys(ServeFixture.READ_TOKEN, Keys.ENTER);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.driver.getCurrentUrl().endsWith("/analyses/" + id));
    assertThat(text("li.finding h3.msg")).contains(COMPILE_ERROR);
    String session = b.driver.manage().getCookieNamed("destill_session").getValue();
    assertThat(session).doesNotContain(ServeFixture.READ_TOKEN);
    assertThat(b.driver.manage().getCookieNamed("destill_session").isHttpOnly()).isTrue();
    assertThat(b.driver.getPageSource()).doesNotContain(ServeFixture.READ_TOKEN);

    b.driver.findElement(By.cssSelector("form.logout button")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.driver.getCurrentUrl().contains("/login"));
    open("/");
    assertThat(b.driver.getCurrentUrl()).contains("/login");
  }
}
