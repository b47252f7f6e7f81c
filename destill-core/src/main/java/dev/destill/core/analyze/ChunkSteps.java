package dev.destill.core.analyze;

import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives findings the step their chunk did not know. A chunk is analyzed alone: its lines before its
 * first step marker are in the step the chunk before it ended in, which only the chunks together
 * tell. Pure and thread-safe.
 */
public final class ChunkSteps {
  private ChunkSteps() {}

  /**
   * The findings with the steps their chunks inherited.
   *
   * @param jobNames job ids to the names findings carry
   */
  public static List<Finding> inherit(
      List<Finding> findings, List<ChunkRecord> chunks, Map<String, String> jobNames) {
    // Per job name: the chunks in order, each with the step it entered in.
    Map<String, List<Entered>> byJob = new HashMap<>();
    Map<String, List<ChunkRecord>> sorted = new HashMap<>();
    for (ChunkRecord c : chunks) {
      sorted
          .computeIfAbsent(jobNames.getOrDefault(c.jobId(), c.jobId()), k -> new ArrayList<>())
          .add(c);
    }
    for (Map.Entry<String, List<ChunkRecord>> e : sorted.entrySet()) {
      List<ChunkRecord> list = e.getValue();
      list.sort(Comparator.comparingInt(ChunkRecord::index));
      List<Entered> entered = new ArrayList<>(list.size());
      String step = "";
      for (ChunkRecord c : list) {
        entered.add(new Entered(c, step));
        step = c.exitStep().orElse(step);
      }
      byJob.put(e.getKey(), entered);
    }
    if (byJob.isEmpty()) {
      return findings;
    }
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      out.add(f.step().isEmpty() ? withInherited(f, byJob.get(f.job())) : f);
    }
    return out;
  }

  private record Entered(ChunkRecord chunk, String step) {}

  private static Finding withInherited(Finding f, List<Entered> chunks) {
    if (chunks == null) {
      return f;
    }
    for (Entered e : chunks) {
      ChunkRecord c = e.chunk();
      if (f.line() >= c.ownFrom() && f.line() <= c.ownTo()) {
        return f.line() < c.firstStepLine() && !e.step().isEmpty() ? f.withStep(e.step()) : f;
      }
    }
    return f;
  }
}
