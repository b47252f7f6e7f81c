package dev.destill.llm;

import dev.destill.core.DestillException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where explanations go: an OpenAI-compatible chat-completions server. Nothing is sent unless both
 * {@code DESTILL_LLM_URL} and {@code DESTILL_LLM_MODEL} are set.
 *
 * @param baseUrl the API base, ending in {@code /v1}; requests go to {@code
 *     {base}/chat/completions}
 * @param model the model name the server knows
 * @param apiKey the key, from {@code DESTILL_LLM_API_KEY} or the file {@code
 *     DESTILL_LLM_API_KEY_FILE} names; empty for local servers that need none
 * @param timeout how long one request may take, streaming included
 * @param maxRetries retries of 408/409/429/5xx and connection failures (the SDK honours {@code
 *     Retry-After})
 * @param maxOutputTokens the most tokens the answer may have
 */
public record LlmSettings(
    URI baseUrl,
    String model,
    Optional<String> apiKey,
    Duration timeout,
    int maxRetries,
    int maxOutputTokens) {
  public static final String URL = "DESTILL_LLM_URL";
  public static final String MODEL = "DESTILL_LLM_MODEL";
  public static final String API_KEY = "DESTILL_LLM_API_KEY";
  public static final String API_KEY_FILE = "DESTILL_LLM_API_KEY_FILE";
  public static final String TIMEOUT = "DESTILL_LLM_TIMEOUT_SECONDS";
  public static final String RETRIES = "DESTILL_LLM_MAX_RETRIES";

  public LlmSettings {
    if (model.isBlank()) {
      throw new DestillException(
          MODEL + " is empty: set it to a model the server at " + URL + " has");
    }
    if (maxRetries < 0 || maxRetries > 10) {
      throw new DestillException(RETRIES + " must be between 0 and 10, was " + maxRetries);
    }
  }

  /**
   * Reads the settings from the environment; empty when explanations are not configured (either of
   * {@code DESTILL_LLM_URL} and {@code DESTILL_LLM_MODEL} unset or blank).
   *
   * @throws DestillException with one line naming the variable when a value is invalid
   */
  public static Optional<LlmSettings> fromEnvironment(Map<String, String> env) {
    String url = env.getOrDefault(URL, "").trim();
    String model = env.getOrDefault(MODEL, "").trim();
    if (url.isEmpty() && model.isEmpty()) {
      return Optional.empty();
    }
    if (url.isEmpty() || model.isEmpty()) {
      throw new DestillException(
          (url.isEmpty() ? URL : MODEL)
              + " is not set: explanations need both "
              + URL
              + " (an OpenAI-compatible base ending in /v1) and "
              + MODEL);
    }
    URI base = parseBase(url);
    Optional<String> key = key(env);
    Duration timeout = Duration.ofSeconds(integer(env, TIMEOUT, 120, 1, 3_600));
    int retries = integer(env, RETRIES, 3, 0, 10);
    return Optional.of(new LlmSettings(base, model, key, timeout, retries, 800));
  }

  private static URI parseBase(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new DestillException(URL + " is not a URL (" + shown(url) + ")");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new DestillException(
          URL + " must be an http(s) URL such as http://127.0.0.1:11434/v1, was " + shown(url));
    }
    if (uri.getUserInfo() != null) {
      throw new DestillException(
          URL + " must not hold credentials; put the key in " + API_KEY + " or " + API_KEY_FILE);
    }
    String s = uri.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  private static String shown(String url) {
    return url.length() > 80 ? url.substring(0, 80) + "…" : url;
  }

  private static Optional<String> key(Map<String, String> env) {
    String key = env.getOrDefault(API_KEY, "").trim();
    String file = env.getOrDefault(API_KEY_FILE, "").trim();
    if (key.isEmpty() && !file.isEmpty()) {
      try {
        key = Files.readString(Path.of(file)).trim();
      } catch (IOException | RuntimeException e) {
        throw new DestillException(API_KEY_FILE + " names a file that cannot be read: " + file);
      }
    }
    if (key.isEmpty()) {
      return Optional.empty();
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new DestillException(
            (file.isEmpty() ? API_KEY : API_KEY_FILE)
                + " holds a character that cannot go in an HTTP header (a space, newline or"
                + " placeholder such as …): paste the key again");
      }
    }
    return Optional.of(key);
  }

  private static int integer(Map<String, String> env, String name, int dflt, int min, int max) {
    String v = env.getOrDefault(name, "").trim();
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new DestillException(
          name + " must be a whole number from " + min + " to " + max + ", was " + shown(v));
    }
  }

  /** The server's host and port, for messages (never the key). */
  public String server() {
    return baseUrl.getHost() + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
  }

  @Override
  public String toString() {
    return "LlmSettings["
        + baseUrl
        + ", "
        + model
        + ", key "
        + (apiKey.isPresent() ? "set" : "unset")
        + "]";
  }
}
