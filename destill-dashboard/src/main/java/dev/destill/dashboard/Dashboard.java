package dev.destill.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsReport;
import dev.destill.core.stats.StatsStore;
import dev.destill.server.Routes;
import dev.destill.server.ServerSettings;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Status;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The web dashboard of {@code destill serve}: {@code /} (analyses, live), {@code
 * /analyses/{request_id}}, {@code /failures} (recurring) and {@code /stats}, server-rendered from
 * the analysis port the API reads, with {@code /assets/} and {@code /events/analyses} (the live
 * rows as Server-Sent Events). Every answer carries a strict Content-Security-Policy (scripts and
 * styles from this server only, nothing inline, no eval, no framing). When the server's reads need
 * a token, pages need a session from {@code /login} (or a bearer token). Thread-safe.
 */
public final class Dashboard implements Routes {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  /** How often a live stream looks for changes, and how long one lasts before it reconnects. */
  static final Duration POLL = Duration.ofSeconds(1);

  static final Duration STREAM_LIFE = Duration.ofMinutes(10);
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final Analyses analyses;
  private final Auth auth;
  private final Summaries summaries;
  private final AnalysesPage list;
  private final Recurring recurring;
  private final Optional<StatsStore> stats;
  private final Clock clock;
  private final Assets assets = Assets.load();
  private BooleanSupplier draining = () -> false;

  /**
   * @param stats the hot stats when the server has live sources; empty when it has none
   */
  public Dashboard(
      Analyses analyses, ServerSettings settings, Clock clock, Optional<StatsStore> stats) {
    this.analyses = analyses;
    this.auth = new Auth(settings, clock);
    this.summaries = new Summaries(analyses);
    this.list = new AnalysesPage(analyses, summaries);
    this.recurring = new Recurring(analyses, summaries, clock);
    this.stats = stats;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/assets/{name}", this::asset);
    routes.get("/login", this::loginForm);
    routes.post("/login", this::login);
    routes.post("/logout", this::logout);
    routes.get(
        "/", ctx -> page(ctx, "Analyses", Layout.Nav.ANALYSES, () -> list.body(filter(ctx))));
    routes.get("/analyses/{id}", this::analysis);
    routes.get(
        "/failures",
        ctx ->
            page(
                ctx,
                "Recurring failures",
                Layout.Nav.FAILURES,
                () -> {
                  int days = days(ctx);
                  Optional<String> hash =
                      Optional.ofNullable(ctx.queryParam("hash"))
                          .map(String::trim)
                          .filter(h -> h.matches("[0-9a-f]{8,128}"));
                  return RecurringPage.body(
                      recurring.top(days, hash, RecurringPage.SHOWN), days, hash);
                }));
    routes.get("/stats", ctx -> page(ctx, "Stats", Layout.Nav.STATS, () -> stats(ctx)));
    routes.get("/events/analyses", this::events);
  }

  @Override
  public void register(RoutesConfig routes, BooleanSupplier serverDraining) {
    this.draining = serverDraining;
    register(routes);
  }

  static void secure(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Cross-Origin-Resource-Policy", "same-origin");
  }

  private void asset(Context ctx) {
    secure(ctx);
    Optional<Assets.Asset> a = assets.get(ctx.pathParam("name"));
    if (a.isEmpty()) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("not found");
      return;
    }
    ctx.header("Cache-Control", "public, max-age=3600");
    ctx.contentType(a.get().contentType()).result(a.get().bytes());
  }

  /** Renders a page for a reader who may see it, or sends them to the login form. */
  private void page(Context ctx, String title, Layout.Nav nav, Supplier<String> body) {
    secure(ctx);
    ctx.header("Cache-Control", "no-store");
    if (!auth.allowed(ctx)) {
      String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      ctx.redirect(
          "/login?next=" + Html.query(Html.localPath(next)), io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    String html;
    try {
      html = body.get();
    } catch (NotFound e) {
      html(ctx, 404, "Not found", nav, e.body);
      return;
    }
    html(ctx, 200, title, nav, html);
  }

  private void html(Context ctx, int status, String title, Layout.Nav nav, String body) {
    boolean session = auth.required() && ctx.cookie(Auth.SESSION) != null;
    String csrf = session ? auth.csrf(ctx) : "";
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(Layout.page(title, nav, body, csrf, session));
  }

  private void analysis(Context ctx) {
    String id = ctx.pathParam("id");
    page(
        ctx,
        "Analysis",
        Layout.Nav.NONE,
        () -> {
          Optional<String> doc =
              id.matches("[A-Za-z0-9._:-]{1,200}")
                  ? analyses.document(id, AnalysisPage.MAX_FINDINGS)
                  : Optional.empty();
          if (doc.isEmpty()) {
            throw new NotFound(
                "<h1>Not found</h1><p>No analysis "
                    + Html.text(id)
                    + " is known here.</p><p><a href=\"/\">All analyses</a></p>");
          }
          try {
            JsonNode n = Summaries.JSON.readTree(doc.get());
            return AnalysisPage.body(n, Optional.ofNullable(ctx.queryParam("q")).orElse(""));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * The whole HTML of an analysis's page for its API document, as {@code GET /analyses/{id}}
   * answers it to a reader without a session: the document parsed and rendered. For the benchmark
   * of the page (bench's {@code AnalysisPageBenchmark}).
   *
   * @throws IOException when the document is not JSON
   */
  public static String analysisPage(String document) throws IOException {
    JsonNode n = Summaries.JSON.readTree(document);
    return Layout.page("Analysis", Layout.Nav.NONE, AnalysisPage.body(n, ""), "", false);
  }

  /** A page that answers 404, with its body. */
  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String body;

    NotFound(String body) {
      super("not found", null, false, false);
      this.body = body;
    }
  }

  private static AnalysesPage.Filter filter(Context ctx) {
    String state = param(ctx, "state");
    Optional<Status> status = state.isEmpty() ? Optional.empty() : Status.parse(state);
    String provider = param(ctx, "provider");
    if (!AnalysesPage.PROVIDERS.contains(provider)) {
      provider = "";
    }
    int offset = 0;
    try {
      offset = Math.clamp(Long.parseLong(param(ctx, "offset")), 0, 1_000_000);
    } catch (NumberFormatException e) {
      // the first page
    }
    return new AnalysesPage.Filter(
        provider, param(ctx, "pipeline"), param(ctx, "branch"), status, param(ctx, "q"), offset);
  }

  private String stats(Context ctx) {
    int hours = 1;
    try {
      int h = Integer.parseInt(param(ctx, "hours"));
      if (StatsPage.WINDOWS.containsKey(h)) {
        hours = h;
      }
    } catch (NumberFormatException e) {
      // the last hour
    }
    Instant now = clock.instant();
    StatsQuery q =
        StatsQuery.last(now, Duration.ofHours(hours), StatsPage.WINDOWS.get(hours), StatsPage.TOP);
    int h = hours;
    return StatsPage.body(stats.map(s -> StatsReport.of(s, q, now)), h);
  }

  private static int days(Context ctx) {
    try {
      int d = Integer.parseInt(param(ctx, "days"));
      if (Recurring.WINDOWS.contains(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // the default window
    }
    return 30;
  }

  private static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return "";
    }
    v = v.strip();
    return v.length() > 300 ? v.substring(0, 300) : v;
  }

  // --- login ---------------------------------------------------------------------------------

  private void loginForm(Context ctx) {
    secure(ctx);
    ctx.header("Cache-Control", "no-store");
    if (!auth.required()) {
      ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    loginPage(ctx, 200, Html.localPath(ctx.queryParam("next")), "");
  }

  private void loginPage(Context ctx, int status, String next, String error) {
    String csrf = auth.csrf(ctx);
    StringBuilder sb = new StringBuilder("<h1>Log in</h1>");
    if (!error.isEmpty()) {
      sb.append("<p class=\"notice error\" role=\"alert\">")
          .append(Html.text(error))
          .append("</p>");
    }
    sb.append("<form class=\"login\" method=\"post\" action=\"/login\">")
        .append("<input type=\"hidden\" name=\"csrf\" value=\"")
        .append(Html.attr(csrf))
        .append("\"><input type=\"hidden\" name=\"next\" value=\"")
        .append(Html.attr(next))
        .append("\"><label>Token <input type=\"password\" name=\"token\" id=\"token\"")
        .append(" autocomplete=\"current-password\" required></label>")
        .append("<button type=\"submit\">Log in</button></form>")
        .append("<p>The server's read token (DESTILL_SERVER_READ_TOKEN) or write token.")
        .append(" The browser keeps a session cookie for 12 hours, never the token.</p>");
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(Layout.page("Log in", Layout.Nav.NONE, sb.toString(), "", false));
  }

  private void login(Context ctx) {
    secure(ctx);
    ctx.header("Cache-Control", "no-store");
    if (!auth.required()) {
      ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    String next = Html.localPath(ctx.formParam("next"));
    if (!auth.csrfOk(ctx)) {
      loginPage(ctx, 403, next, "The form expired or came from another site; try again.");
      return;
    }
    String token = Optional.ofNullable(ctx.formParam("token")).orElse("").strip();
    Optional<String> kind = auth.tokenKind(token);
    if (kind.isEmpty()) {
      loginPage(ctx, 401, next, "That token is not accepted here.");
      return;
    }
    ctx.res()
        .addHeader(
            "Set-Cookie",
            Auth.cookie(
                ctx, Auth.SESSION, auth.session(kind.get()), Auth.SESSION_LIFE.toSeconds()));
    ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    secure(ctx);
    if (!auth.csrfOk(ctx)) {
      ctx.status(403).contentType("text/plain; charset=utf-8").result("bad form: reload the page");
      return;
    }
    ctx.res().addHeader("Set-Cookie", Auth.cookie(ctx, Auth.SESSION, "", 0));
    ctx.redirect(auth.required() ? "/login" : "/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  // --- live rows -----------------------------------------------------------------------------

  /**
   * The rows of the analyses page as Server-Sent Events ({@code event: rows}, the table body's
   * HTML): once at once, then whenever they change, looked for every {@link #POLL}. The stream ends
   * after {@link #STREAM_LIFE} or when the server drains; the browser reconnects.
   */
  private void events(Context ctx) throws IOException {
    secure(ctx);
    if (!auth.allowed(ctx)) {
      ctx.status(401).contentType("text/plain; charset=utf-8").result("log in first");
      return;
    }
    AnalysesPage.Filter f = filter(ctx);
    var res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream");
    res.setCharacterEncoding("utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    OutputStream out = res.getOutputStream();
    Instant started = Instant.now();
    Instant lastWrite = started;
    String seen = param(ctx, "seen");
    String last = null;
    try {
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      while (!draining.getAsBoolean() && Instant.now().isBefore(started.plus(STREAM_LIFE))) {
        String rows = list.rowsHtml(f);
        if (last == null && AnalysesPage.digest(rows).equals(seen)) {
          last = rows; // the page shows these already
        } else if (!rows.equals(last)) {
          send(out, "rows", rows);
          last = rows;
          lastWrite = Instant.now();
        } else if (Instant.now().isAfter(lastWrite.plus(HEARTBEAT))) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastWrite = Instant.now();
        }
        java.util.concurrent.locks.LockSupport.parkNanos(POLL.toNanos());
      }
    } catch (IOException | UncheckedIOException e) {
      // The browser went away.
    }
  }

  private static void send(OutputStream out, String event, String data) throws IOException {
    StringBuilder sb = new StringBuilder(data.length() + 64).append("event: ").append(event);
    sb.append('\n');
    for (String line : data.split("\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    sb.append('\n');
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
