package dev.destill.core.stats;

import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Total;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a source's error rate is a spike: the one place that decides it. The last hour's rate must
 * be at least {@code factor} times the previous hour's, with at least {@code minErrors} errors in
 * the last hour (a source going from 1 error to 3 is not news); a source that had no errors, or no
 * lines at all, the hour before counts as a spike once it has {@code minErrors} errors. Pure.
 *
 * @param factor how many times the previous rate the last one must reach, above 1
 * @param minErrors the fewest errors in the last hour, at least 1
 */
public record SpikePolicy(double factor, long minErrors) {
  /** Twice the rate, and at least 10 errors. */
  public static final SpikePolicy DEFAULT = new SpikePolicy(2.0, 10);

  public SpikePolicy {
    if (!(factor > 1.0) || minErrors < 1) {
      throw new IllegalArgumentException("a spike needs a factor above 1 and at least one error");
    }
  }

  /**
   * The spikes among sources, biggest rise first; {@code factor} is {@link
   * Double#POSITIVE_INFINITY} where the previous hour had no errors.
   */
  public List<Spike> spikes(List<Total> lastHour, List<Total> previousHour) {
    Map<String, Total> before = new HashMap<>();
    for (Total t : previousHour) {
      before.put(t.source(), t);
    }
    List<Spike> out = new ArrayList<>();
    for (Total now : lastHour) {
      if (now.errors() < minErrors) {
        continue;
      }
      Total prev = before.getOrDefault(now.source(), new Total(now.source(), 0, 0));
      double was = prev.errorRate();
      double rise = was == 0.0 ? Double.POSITIVE_INFINITY : now.errorRate() / was;
      if (rise >= factor) {
        out.add(new Spike(now.source(), now, prev, rise));
      }
    }
    out.sort(
        Comparator.comparingDouble(Spike::factor)
            .reversed()
            .thenComparing(s -> -s.lastHour().errors())
            .thenComparing(Spike::source));
    return out;
  }
}
