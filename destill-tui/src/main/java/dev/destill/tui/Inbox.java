package dev.destill.tui;

import dev.destill.core.explain.Explanation;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the analysis hands findings and progress to the UI, bounded: while the UI does not drain (a
 * slow terminal, a suspended screen), at most {@link #CAPACITY} live findings and progress events
 * wait; the ones beyond are dropped and counted, since the final ranking, which always gets in,
 * replaces the live findings anyway (and the explanation, which always gets in too). Thread-safe:
 * analysis threads offer, the UI thread drains.
 */
public final class Inbox {
  private sealed interface Item permits One, Progress, Final, Explained {}

  private record One(Finding finding) implements Item {}

  private record Progress(ProgressEvent event) implements Item {}

  private record Final(List<Finding> ranked) implements Item {}

  private record Explained(Explanation explanation) implements Item {}

  /** How many live findings and progress events may wait for the UI. */
  public static final int CAPACITY = 10_000;

  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  public void finding(Finding f) {
    offer(new One(f));
  }

  public void progress(ProgressEvent e) {
    offer(new Progress(e));
  }

  private void offer(Item item) {
    if (waiting.incrementAndGet() > CAPACITY) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.add(item);
  }

  /** How many items wait now: at most {@link #CAPACITY}, and the final ranking. */
  public int waiting() {
    return queue.size();
  }

  /** How many live findings and progress events were dropped because the UI did not drain. */
  public long dropped() {
    return dropped.get();
  }

  /** The build's final ranking; it replaces the findings that arrived one by one. */
  public void ranked(List<Finding> ranked) {
    queue.add(new Final(List.copyOf(ranked)));
  }

  /** The model's explanation of the build; like the ranking, it always gets in. */
  public void explanation(Explanation e) {
    queue.add(new Explained(e));
  }

  /** Applies everything that arrived to {@code model}; true when anything did. */
  public boolean drainTo(TriageModel model) {
    boolean any = false;
    // Findings in a row are added together: the model ranks its rows once for all of them.
    List<Finding> run = new ArrayList<>();
    Item item;
    while ((item = queue.poll()) != null) {
      any = true;
      if (!(item instanceof Final) && !(item instanceof Explained)) {
        waiting.decrementAndGet();
      }
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
      } else if (item instanceof Explained e) {
        model.explained(e.explanation());
      }
    }
    if (!run.isEmpty()) {
      model.addAll(run);
    }
    return any;
  }
}
