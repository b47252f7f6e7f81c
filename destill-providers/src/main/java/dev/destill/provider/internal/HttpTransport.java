package dev.destill.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.DestillException;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.model.ProgressEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * GETs from CI APIs with the behaviour users expect: a timeout on every request, retries with
 * backoff for 5xx and network errors, waits for 429 and rate limits ({@code Retry-After}, {@code
 * X-RateLimit-Reset}) within a bound, redirects followed by hand so the token never reaches another
 * host, and every failure turned into one line that says what to do. Thread-safe.
 */
public final class HttpTransport {
  /** Attempts per request at a terminal, the first included. */
  public static final int MAX_ATTEMPTS = ErrorPolicy.INTERACTIVE.transientBudget().attempts();

  /** The longest a rate limit is waited out before giving up. */
  public static final Duration MAX_RATE_LIMIT_WAIT = Duration.ofSeconds(60);

  /** The longest one download (headers and body) may take, however steadily it flows. */
  public static final Duration MAX_DOWNLOAD = Duration.ofMinutes(15);

  private static final int MAX_REDIRECTS = 5;

  /** Loaded on first use, so local analyses never load the JSON data binding. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final java.util.function.Supplier<HttpClient> client;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration timeout;
  private final Duration download;
  private final ErrorPolicy.Budget budget;

  /**
   * @param timeout the longest wait for a response's headers, and then for each next part of its
   *     body
   */
  public HttpTransport(HttpClient client, Clock clock, Sleeper sleeper, Duration timeout) {
    this(client, clock, sleeper, timeout, MAX_DOWNLOAD, ErrorPolicy.INTERACTIVE.transientBudget());
  }

  /**
   * @param download the longest one response may take, headers and body
   */
  public HttpTransport(
      HttpClient client, Clock clock, Sleeper sleeper, Duration timeout, Duration download) {
    this(client, clock, sleeper, timeout, download, ErrorPolicy.INTERACTIVE.transientBudget());
  }

  /**
   * @param budget how often a transient failure (a timeout, 5xx, 429) is tried, with what backoff
   */
  public HttpTransport(
      HttpClient client,
      Clock clock,
      Sleeper sleeper,
      Duration timeout,
      ErrorPolicy.Budget budget) {
    this(client, clock, sleeper, timeout, MAX_DOWNLOAD, budget);
  }

  /**
   * @param download the longest one response may take, headers and body
   * @param budget how often a transient failure (a timeout, 5xx, 429) is tried, with what backoff
   */
  public HttpTransport(
      HttpClient client,
      Clock clock,
      Sleeper sleeper,
      Duration timeout,
      Duration download,
      ErrorPolicy.Budget budget) {
    this(() -> client, clock, sleeper, timeout, download, budget);
    Objects.requireNonNull(client, "client");
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      // Such a client would carry the token to storage hosts behind our back.
      throw new IllegalArgumentException(
          "the HttpClient must not follow redirects; HttpTransport follows them itself");
    }
  }

  private HttpTransport(
      java.util.function.Supplier<HttpClient> client,
      Clock clock,
      Sleeper sleeper,
      Duration timeout,
      Duration download,
      ErrorPolicy.Budget budget) {
    this.client = client;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.download = Objects.requireNonNull(download, "download");
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * A transport whose {@link #defaultClient()} is built on first use: building it sets up TLS,
   * which costs a noticeable part of a second that analyses of local files should not pay.
   */
  public static HttpTransport lazy(Clock clock, Sleeper sleeper, Duration timeout) {
    return lazy(clock, sleeper, timeout, ErrorPolicy.INTERACTIVE.transientBudget());
  }

  /**
   * As {@link #lazy(Clock, Sleeper, Duration)}, retrying transient failures within {@code budget}.
   */
  public static HttpTransport lazy(
      Clock clock, Sleeper sleeper, Duration timeout, ErrorPolicy.Budget budget) {
    return new HttpTransport(
        new Memo<>(HttpTransport::defaultClient), clock, sleeper, timeout, MAX_DOWNLOAD, budget);
  }

  /** A thread-safe supplier that computes its value once. */
  private static final class Memo<T> implements java.util.function.Supplier<T> {
    private final java.util.function.Supplier<T> source;
    private volatile T value;

    Memo(java.util.function.Supplier<T> source) {
      this.source = source;
    }

    @Override
    public T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = source.get();
            value = v;
          }
        }
      }
      return v;
    }
  }

  /** A client as production uses it: no automatic redirects (we follow them ourselves). */
  public static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * A resource the API does not have (404) or no longer has (410): a deleted or expired log, a
   * build the token cannot see. Callers that know what the resource is can say so.
   */
  public static final class Gone extends DestillException.BadInput {
    private static final long serialVersionUID = 1L;
    private final int status;

    Gone(int status, String message) {
      super(message);
      this.status = status;
    }

    /** 404 or 410. */
    public int status() {
      return status;
    }
  }

  /** A response body as a stream, and the response's headers for paging. */
  public record Response(int status, InputStream body, java.net.http.HttpHeaders headers) {}

  /** GETs JSON. */
  public JsonNode getJson(URI uri, ApiAccess access) {
    Response r = get(uri, access, "application/json");
    try (InputStream in = r.body()) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw unreadable(access, uri, e);
    }
  }

  /** GETs JSON and the response headers (for pagination). */
  public Page getPage(URI uri, ApiAccess access) {
    Response r = get(uri, access, "application/json");
    try (InputStream in = r.body()) {
      return new Page(Json.MAPPER.readTree(in), r.headers(), uri);
    } catch (IOException e) {
      throw unreadable(access, uri, e);
    }
  }

  private static DestillException unreadable(ApiAccess access, URI uri, IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
      return new DestillException.Retriable(
          access.service() + " sent a response that is not JSON for " + redact(uri) + "; try again",
          e);
    }
    return new DestillException.Retriable(
        "reading " + redact(uri) + " failed: " + describe(e) + "; try again later", e);
  }

  /**
   * The pages of a list, from {@code first} along its next links ({@link Page#nextLink()}). Stops,
   * with a warning to {@code progress}, at a page already fetched (a next link back to an earlier
   * page would repeat the list for ever), at a next link to another origin, and after {@code
   * maxPages}.
   *
   * @param what the list in warnings ("jobs of run 12")
   */
  public List<Page> pages(
      URI first, ApiAccess access, int maxPages, String what, Consumer<ProgressEvent> progress) {
    return pages(first, access, maxPages, what, progress, Page::nextLink);
  }

  /**
   * As {@link #pages(URI, ApiAccess, int, String, Consumer)}, with the next page told by {@code
   * next}.
   */
  public List<Page> pages(
      URI first,
      ApiAccess access,
      int maxPages,
      String what,
      Consumer<ProgressEvent> progress,
      Function<Page, Optional<URI>> next) {
    List<Page> pages = new ArrayList<>();
    Set<URI> fetched = new HashSet<>();
    Optional<URI> at = Optional.of(first);
    while (at.isPresent()) {
      if (!fetched.add(at.get().normalize())) {
        progress.accept(
            new ProgressEvent.Warning(
                access.service()
                    + " pointed the listing of "
                    + what
                    + " back at a page it had sent ("
                    + redact(at.get())
                    + "); stopped there"));
        break;
      }
      if (pages.size() == maxPages) {
        progress.accept(
            new ProgressEvent.Warning(
                "listed the first " + maxPages + " pages of " + what + "; the rest were skipped"));
        break;
      }
      Page page = getPage(at.get(), access);
      pages.add(page);
      at = next.apply(page);
      if (at.isEmpty() && page.rawNextLink().isPresent()) {
        progress.accept(
            new ProgressEvent.Warning(
                access.service()
                    + " gave a next page of "
                    + what
                    + " on another host; it was not followed (the token stays with the API)"));
      }
    }
    return pages;
  }

  /**
   * One page of a paginated list.
   *
   * @param request the URL this page was fetched from; next links are resolved against it
   */
  public record Page(JsonNode body, java.net.http.HttpHeaders headers, URI request) {
    /**
     * The {@code rel="next"} URL of a {@code Link} header, if any. A next link to another origin is
     * ignored: following it would send the token there.
     */
    public Optional<URI> nextLink() {
      return rawNextLink().map(request::resolve).filter(next -> sameOrigin(request, next));
    }

    Optional<URI> rawNextLink() {
      for (String link : headers.allValues("Link")) {
        for (String part : link.split(",")) {
          String p = part.trim();
          if (p.contains("rel=\"next\"") && p.startsWith("<")) {
            int end = p.indexOf('>');
            if (end > 1) {
              try {
                return Optional.of(new URI(p.substring(1, end)));
              } catch (java.net.URISyntaxException e) {
                return Optional.empty(); // not a link to follow
              }
            }
          }
        }
      }
      return Optional.empty();
    }
  }

  /**
   * GETs a resource, following redirects; the token is sent only to the API's origin ({@link
   * ApiAccess#origin()}), never to another host, whether the URL came from API data or a redirect.
   * The body fails with an {@link IOException} naming the host when it stalls for the timeout or
   * outlasts the download deadline. The caller closes the body.
   */
  public Response get(URI uri, ApiAccess access, String accept) {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<InputStream> response =
          sendWithRetries(current, access.trusts(current) ? access : null, access, accept);
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        Optional<String> location = response.headers().firstValue("Location");
        close(response.body());
        if (location.isEmpty()) {
          throw new DestillException.Retriable(
              access.service()
                  + " answered a redirect without a location for "
                  + redact(uri)
                  + "; try again");
        }
        current = current.resolve(location.get());
        continue;
      }
      return new Response(status, response.body(), response.headers());
    }
    throw new DestillException.BadInput(
        access.service() + " redirected more than " + MAX_REDIRECTS + " times for " + redact(uri));
  }

  private HttpResponse<InputStream> sendWithRetries(
      URI uri, ApiAccess auth, ApiAccess access, String accept) {
    for (int attempt = 1; ; attempt++) {
      // There is no wait after the last attempt: its failure is thrown at once.
      boolean last = !budget.allowsAnother(attempt);
      Duration backoff = budget.backoff(attempt);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .GET()
              .header("Accept", accept)
              .header("User-Agent", "destill");
      if (auth != null) {
        request.header(auth.headerName(), auth.headerValue());
      }
      HttpResponse<InputStream> response;
      try {
        BoundedBody body = new BoundedBody(uri.getHost(), timeout, download);
        response = client.get().send(request.build(), info -> body);
      } catch (HttpTimeoutException e) {
        if (last) {
          throw new DestillException.Retriable(
              access.service()
                  + " did not answer within "
                  + timeout.toSeconds()
                  + " s for "
                  + redact(uri)
                  + " ("
                  + attempt
                  + " attempts); try again later",
              e);
        }
        sleeper.sleep(backoff);
        continue;
      } catch (IOException e) {
        if (last) {
          throw new DestillException.Retriable(
              "cannot reach "
                  + access.service()
                  + " at "
                  + uri.getHost()
                  + " ("
                  + describe(e)
                  + "); check the URL and your network",
              e);
        }
        sleeper.sleep(backoff);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DestillException("interrupted while talking to " + access.service(), e);
      }
      int status = response.statusCode();
      Optional<Duration> rateWait = rateLimitWait(response);
      if (status == 429 || (status == 403 && rateWait.isPresent())) {
        close(response.body());
        Duration wait = rateWait.orElse(backoff);
        if (wait.compareTo(MAX_RATE_LIMIT_WAIT) > 0 || last) {
          throw new DestillException.Retriable(
              access.service()
                  + " rate limit reached; try again in "
                  + Math.max(1, wait.toSeconds())
                  + " s");
        }
        sleeper.sleep(wait);
        continue;
      }
      if (ErrorPolicy.httpStatus(status) == ErrorPolicy.Verdict.RETRY) {
        close(response.body());
        if (last) {
          throw new DestillException.Retriable(
              access.service()
                  + " returned "
                  + status
                  + " for "
                  + redact(uri)
                  + " after "
                  + attempt
                  + " attempts; the service has trouble, try again later");
        }
        sleeper.sleep(backoff);
        continue;
      }
      if (status == 401) {
        close(response.body());
        throw new DestillException.BadInput(
            access.service()
                + " returned 401 (not authenticated): set "
                + access.tokenVariable()
                + " to a valid token with "
                + access.scopes());
      }
      if (status == 403) {
        close(response.body());
        throw new DestillException.BadInput(
            access.service()
                + " returned 403 (forbidden) for "
                + redact(uri)
                + ": the token in "
                + access.tokenVariable()
                + " needs "
                + access.scopes());
      }
      if (status == 404) {
        close(response.body());
        throw new Gone(
            404,
            access.service()
                + " returned 404 for "
                + redact(uri)
                + ": check the URL, or the token in "
                + access.tokenVariable()
                + " cannot see it");
      }
      if (status == 410) {
        close(response.body());
        throw new Gone(
            410,
            access.service()
                + " returned 410 for "
                + redact(uri)
                + ": it has expired or was deleted");
      }
      if (status >= 400) {
        close(response.body());
        throw new DestillException.BadInput(
            access.service() + " returned " + status + " for " + redact(uri));
      }
      return response;
    }
  }

  /** How long the server asks us to wait, from Retry-After or an exhausted rate limit. */
  Optional<Duration> rateLimitWait(HttpResponse<?> response) {
    Optional<String> retryAfter = response.headers().firstValue("Retry-After");
    if (retryAfter.isPresent()) {
      String value = retryAfter.get().trim();
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
      } catch (NumberFormatException e) {
        // Retry-After may also be an HTTP date (RFC 9110).
        try {
          Instant at =
              java.time.ZonedDateTime.parse(
                      value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                  .toInstant();
          Duration wait = Duration.between(clock.instant(), at);
          return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (java.time.format.DateTimeParseException unparsable) {
          return Optional.of(Duration.ofSeconds(5));
        }
      }
    }
    Optional<String> remaining = response.headers().firstValue("X-RateLimit-Remaining");
    Optional<String> reset = response.headers().firstValue("X-RateLimit-Reset");
    if (remaining.isPresent() && remaining.get().trim().equals("0") && reset.isPresent()) {
      try {
        Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().trim()));
        Duration wait = Duration.between(clock.instant(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait.plusSeconds(1));
      } catch (NumberFormatException e) {
        return Optional.of(Duration.ofSeconds(5));
      }
    }
    return Optional.empty();
  }

  /** Same scheme, host and port. */
  public static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
        && Objects.equals(lower(a.getHost()), lower(b.getHost()))
        && port(a) == port(b);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
  }

  /** A URL without credentials or query, which may hold signatures. */
  public static String redact(URI uri) {
    return uri.getScheme()
        + "://"
        + (uri.getHost() == null ? "" : uri.getHost())
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // Nothing more to read from a response we are discarding.
    }
  }
}
