package dev.destill.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.model.Finding;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Snapshot;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the lists need to know of each analysis, read through the analysis port and kept for
 * finished ones (they no longer change): the top finding's first line, and the fingerprints it
 * found with a sample of each. Bounded (least recently used entries go first). Thread-safe.
 */
final class Summaries {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEPT = 10_000;
  private static final int SAMPLES = 20_000;
  private static final int SAMPLE_LINES = 12;

  /** The top finding of an analysis, as a list row shows it. */
  record Top(String message, String job, long line) {}

  /** One finding's text standing for its fingerprint. */
  record Sample(
      String requestId, String job, String step, long line, String message, List<String> block) {}

  private final Analyses analyses;
  private final Map<String, Optional<Top>> tops = lru(KEPT);
  private final Map<String, Map<String, Integer>> prints = lru(KEPT);
  private final Map<String, Sample> samples = lru(SAMPLES);

  Summaries(Analyses analyses) {
    this.analyses = analyses;
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  /** The ranked top finding of {@code l}; empty when it found nothing or is unknown. */
  Optional<Top> top(Listing l) {
    boolean fixed = l.status().isFinal();
    if (fixed) {
      synchronized (tops) {
        Optional<Top> t = tops.get(l.requestId());
        if (t != null) {
          return t;
        }
      }
    }
    Optional<Top> t = analyses.document(l.requestId(), 1).flatMap(Summaries::firstFinding);
    if (fixed) {
      synchronized (tops) {
        tops.put(l.requestId(), t);
      }
    }
    return t;
  }

  private static Optional<Top> firstFinding(String doc) {
    try {
      JsonNode f = JSON.readTree(doc).path("findings").path(0);
      if (f.isMissingNode()) {
        return Optional.empty();
      }
      return Optional.of(
          new Top(f.path("message").asText(), f.path("job").asText(), f.path("line").asLong()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * How often each fingerprint (hash) of a likely or related finding (tiers 1 and 2) occurs in a
   * finished analysis; empty for one that is not finished.
   */
  Map<String, Integer> fingerprints(Listing l) {
    if (!l.status().isFinal()) {
      return Map.of();
    }
    synchronized (prints) {
      Map<String, Integer> p = prints.get(l.requestId());
      if (p != null) {
        return p;
      }
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    Optional<Snapshot> s = analyses.snapshot(l.requestId());
    for (Finding f : s.map(Snapshot::findings).orElse(List.of())) {
      if (f.tier() > 2) {
        continue;
      }
      counts.merge(f.hash(), 1, Integer::sum);
      synchronized (samples) {
        if (!samples.containsKey(f.hash())) {
          List<String> block =
              f.block().size() > SAMPLE_LINES ? f.block().subList(0, SAMPLE_LINES) : f.block();
          samples.put(
              f.hash(),
              new Sample(
                  l.requestId(), f.job(), f.step(), f.line(), f.message(), List.copyOf(block)));
        }
      }
    }
    Map<String, Integer> fixed = Map.copyOf(counts);
    synchronized (prints) {
      prints.put(l.requestId(), fixed);
    }
    return fixed;
  }

  Optional<Sample> sample(String hash) {
    synchronized (samples) {
      return Optional.ofNullable(samples.get(hash));
    }
  }
}
