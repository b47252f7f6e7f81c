package dev.destill.tui;

import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where the analysis hands findings and progress to the UI. Thread-safe: analysis threads offer,
 * the UI thread drains.
 */
public final class Inbox {
  private sealed interface Item permits One, Progress, Final {}

  private record One(Finding finding) implements Item {}

  private record Progress(ProgressEvent event) implements Item {}

  private record Final(List<Finding> ranked) implements Item {}

  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();

  public void finding(Finding f) {
    queue.add(new One(f));
  }

  public void progress(ProgressEvent e) {
    queue.add(new Progress(e));
  }

  /** The build's final ranking; it replaces the findings that arrived one by one. */
  public void ranked(List<Finding> ranked) {
    queue.add(new Final(List.copyOf(ranked)));
  }

  /** Applies everything that arrived to {@code model}; true when anything did. */
  public boolean drainTo(TriageModel model) {
    boolean any = false;
    // Findings in a row are added together: the model ranks its rows once for all of them.
    List<Finding> run = new ArrayList<>();
    Item item;
    while ((item = queue.poll()) != null) {
      any = true;
      if (item instanceof One o) {
        run.add(o.finding());
        continue;
      }
      if (!run.isEmpty()) {
        model.addAll(run);
        run.clear();
      }
      if (item instanceof Progress p) {
        model.progress(p.event());
      } else if (item instanceof Final f) {
        model.replaceAll(f.ranked());
      }
    }
    if (!run.isEmpty()) {
      model.addAll(run);
    }
    return any;
  }
}
