package dev.destill.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs the jobs of a failed build with those of a passing build of the same pipeline: by name, and
 * for matrix jobs by their values in any order ({@code test (ubuntu, 17)} with {@code test (17,
 * ubuntu)}; GitLab's {@code test: [17, ubuntu]} too). Pure and thread-safe.
 */
public final class JobPairing {
  private JobPairing() {}

  /**
   * The key a job pairs by: its base name, lower case, then its matrix values sorted; a name with
   * no matrix values is its own key.
   */
  public static String key(String name) {
    String n = name.strip();
    int open = -1;
    char close = 0;
    if (n.endsWith(")") && n.lastIndexOf(" (") > 0) {
      open = n.lastIndexOf(" (");
      close = ')';
    } else if (n.endsWith("]") && n.lastIndexOf(": [") > 0) {
      open = n.lastIndexOf(": [");
      close = ']';
    }
    if (open < 0) {
      return n.toLowerCase(Locale.ROOT);
    }
    String base = n.substring(0, open).strip();
    String inner = n.substring(n.indexOf(close == ')' ? '(' : '[', open) + 1, n.length() - 1);
    List<String> values = new ArrayList<>();
    for (String v : inner.split(",")) {
      if (!v.isBlank()) {
        values.add(v.strip().toLowerCase(Locale.ROOT));
      }
    }
    String[] sorted = values.toArray(String[]::new);
    Arrays.sort(sorted);
    return base.toLowerCase(Locale.ROOT) + " " + String.join(",", sorted);
  }

  /**
   * The job of {@code candidates} (names to anything) paired with {@code name}: the one of the same
   * name, else the only one with the same {@link #key}.
   */
  public static <T> Optional<T> pair(String name, Map<String, T> candidates) {
    T same = candidates.get(name);
    if (same != null) {
      return Optional.of(same);
    }
    String key = key(name);
    T found = null;
    for (Map.Entry<String, T> c : candidates.entrySet()) {
      if (key(c.getKey()).equals(key)) {
        if (found != null) {
          return Optional.empty();
        }
        found = c.getValue();
      }
    }
    return Optional.ofNullable(found);
  }
}
