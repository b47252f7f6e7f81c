package dev.destill.dashboard;

import dev.destill.server.ServerSettings;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may read the pages, and the CSRF check of every form. Thread-safe.
 *
 * <p>When the server's reads need a token ({@code DESTILL_SERVER_READ_TOKEN} or {@code
 * --auth-reads}), a page needs either {@code Authorization: Bearer} with the read or write token,
 * or the session cookie the login form sets. The cookie holds no token: it is {@code
 * KIND.EXPIRY.MAC}, the MAC an HMAC-SHA256 keyed with the token that was given, so any replica can
 * check it without shared state, and changing the token ends every session. It is {@code HttpOnly},
 * {@code SameSite=Strict}, and {@code Secure} over HTTPS.
 *
 * <p>CSRF: each browser gets a random {@code destill_csrf} cookie (double submit); every form
 * carries the same value in a hidden field, and a POST is refused unless the two match and, when
 * the browser sends {@code Origin}, it is this server's.
 */
final class Auth {
  static final String SESSION = "destill_session";
  static final String CSRF = "destill_csrf";
  static final Duration SESSION_LIFE = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServerSettings settings;
  private final Clock clock;

  Auth(ServerSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** True when pages need a token (or a session made from one). */
  boolean required() {
    return settings.readsNeedToken();
  }

  /** True when this request may read the pages. */
  boolean allowed(Context ctx) {
    if (!required()) {
      return true;
    }
    Optional<String> bearer = bearer(ctx);
    if (bearer.isPresent() && tokenKind(bearer.get()).isPresent()) {
      return true;
    }
    String cookie = ctx.cookie(SESSION);
    return cookie != null && validSession(cookie);
  }

  /** "r" for the read token, "w" for the write token, empty for anything else. */
  Optional<String> tokenKind(String given) {
    if (equal(settings.writeToken(), given)) {
      return Optional.of("w");
    }
    if (equal(settings.readToken(), given)) {
      return Optional.of("r");
    }
    return Optional.empty();
  }

  /** The session cookie's value for a token of {@code kind}, valid for {@link #SESSION_LIFE}. */
  String session(String kind) {
    long expiry = clock.instant().plus(SESSION_LIFE).getEpochSecond();
    String token = (kind.equals("w") ? settings.writeToken() : settings.readToken()).orElseThrow();
    return kind + "." + expiry + "." + mac(token, kind + "|" + expiry);
  }

  boolean validSession(String value) {
    String[] parts = value.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    long expiry;
    try {
      expiry = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return false;
    }
    if (expiry < clock.instant().getEpochSecond()) {
      return false;
    }
    Optional<String> token =
        switch (parts[0]) {
          case "w" -> settings.writeToken();
          case "r" -> settings.readToken();
          default -> Optional.empty();
        };
    return token.isPresent()
        && MessageDigest.isEqual(
            mac(token.get(), parts[0] + "|" + expiry).getBytes(StandardCharsets.US_ASCII),
            parts[2].getBytes(StandardCharsets.US_ASCII));
  }

  /** This browser's CSRF value, set as a cookie when it has none (or a malformed one). */
  String csrf(Context ctx) {
    String have = ctx.cookie(CSRF);
    if (have != null && have.matches("[A-Za-z0-9_-]{43}")) {
      return have;
    }
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String v = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    ctx.res().addHeader("Set-Cookie", cookie(ctx, CSRF, v, -1));
    return v;
  }

  /**
   * True when a POST carries the browser's CSRF value in its form and comes from this origin (when
   * the browser says where it comes from).
   */
  boolean csrfOk(Context ctx) {
    String cookie = ctx.cookie(CSRF);
    String form = ctx.formParam("csrf");
    if (cookie == null || form == null || cookie.length() != 43) {
      return false;
    }
    if (!MessageDigest.isEqual(
        cookie.getBytes(StandardCharsets.US_ASCII), form.getBytes(StandardCharsets.US_ASCII))) {
      return false;
    }
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals("null")) {
      String host = ctx.header("Host");
      return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }
    String site = ctx.header("Sec-Fetch-Site");
    return site == null || site.equals("same-origin") || site.equals("none");
  }

  /** A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. */
  static String cookie(Context ctx, String name, String value, long maxAgeSeconds) {
    StringBuilder sb =
        new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly");
    sb.append("; SameSite=Strict");
    if (maxAgeSeconds >= 0) {
      sb.append("; Max-Age=").append(maxAgeSeconds);
    }
    if ("https".equalsIgnoreCase(ctx.scheme())) {
      sb.append("; Secure");
    }
    return sb.toString();
  }

  private static Optional<String> bearer(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String t = h.substring(7).trim();
    return t.isEmpty() ? Optional.empty() : Optional.of(t);
  }

  private static boolean equal(Optional<String> expected, String given) {
    return expected.isPresent()
        && MessageDigest.isEqual(
            expected.get().getBytes(StandardCharsets.UTF_8),
            given.getBytes(StandardCharsets.UTF_8));
  }

  private static String mac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] m =
          mac.doFinal(("destill-dashboard-session|" + message).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(m);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
