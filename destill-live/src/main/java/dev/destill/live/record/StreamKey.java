package dev.destill.live.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which live stream a record belongs to: its source (an OTLP {@code service.name}, a syslog host, a
 * webhook's source) and the stream within it (service instance and CI run, a syslog app-name).
 * Windows, analyses and line counts are per stream.
 *
 * @param source the source, never blank
 * @param stream the stream within the source, never blank ({@code -} when the source has one)
 */
public record StreamKey(String source, String stream) {
  /** The most characters of a source or stream name that are kept. */
  public static final int MAX_NAME = 200;

  /** The resource attributes that tell OTLP streams apart, in the order they are joined. */
  public static final List<String> RESOURCE_KEYS =
      List.of("service.instance.id", "cicd.pipeline.name", "cicd.pipeline.run.id");

  public StreamKey {
    source = name(source, "unknown");
    stream = name(stream, "-");
  }

  private static String name(String s, String fallback) {
    Objects.requireNonNull(s, "name");
    String t = s.strip();
    if (t.isEmpty()) {
      return fallback;
    }
    StringBuilder b = new StringBuilder(Math.min(t.length(), MAX_NAME));
    for (int i = 0; i < t.length() && b.length() < MAX_NAME; i++) {
      char c = t.charAt(i);
      // Control characters would break one-line messages and the stats' text columns.
      b.append(Character.isISOControl(c) ? '_' : c);
    }
    return b.toString();
  }

  /**
   * The stream of an OTLP resource: source {@code service.name} ({@code unknown_service} as the
   * SDKs default it), stream the values of {@link #RESOURCE_KEYS} that are present, joined by
   * {@code /}.
   */
  public static StreamKey ofResource(Map<String, String> resource) {
    String service = resource.getOrDefault("service.name", "");
    List<String> parts = new ArrayList<>(RESOURCE_KEYS.size());
    for (String key : RESOURCE_KEYS) {
      String v = resource.getOrDefault(key, "").strip();
      if (!v.isEmpty()) {
        parts.add(v);
      }
    }
    return new StreamKey(service.isBlank() ? "unknown_service" : service, String.join("/", parts));
  }

  /** The stream of a syslog message: source the host, stream the app-name. */
  public static StreamKey ofSyslog(String host, String appName) {
    return new StreamKey(host, appName);
  }

  /** {@code source/stream}, for titles and targets. */
  public String display() {
    return source + "/" + stream;
  }
}
