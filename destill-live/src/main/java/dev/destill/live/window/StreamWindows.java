package dev.destill.live.window;

import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.StreamKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows live streams and cuts windows out of them: each stream keeps its last {@link
 * WindowPolicy#before} lines; a trigger opens a window with them; lines go on into it until {@link
 * WindowPolicy#after} lines pass without a trigger, the stream is quiet for {@link
 * WindowPolicy#quiet}, or the window is {@link WindowPolicy#maxLines} long. A burst of triggers
 * therefore makes one window, not one per line. At most {@link WindowPolicy#maxStreams} streams are
 * followed; the least recently seen one is dropped past that, its window closed first. Memory is
 * bounded by {@code maxStreams × (before + maxLines) × maxLineChars}. Pure; not thread-safe.
 */
public final class StreamWindows {
  private final WindowPolicy policy;
  private final Trigger trigger;
  private final List<Window> evicted = new ArrayList<>();
  private final LinkedHashMap<StreamKey, State> streams;
  private long retained;

  public StreamWindows(WindowPolicy policy, Trigger trigger) {
    this.policy = policy;
    this.trigger = trigger;
    this.streams =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<StreamKey, State> eldest) {
            if (size() <= StreamWindows.this.policy.maxStreams()) {
              return false;
            }
            State s = eldest.getValue();
            s.close(Window.Closed.EVICTED).ifPresent(evicted::add);
            retained -= s.ringSize;
            return true;
          }
        };
  }

  /**
   * Takes the next record of its stream; returns the windows this closed (its own, when full or
   * past its after-lines, and one of a stream dropped to make room), oldest first.
   */
  public List<Window> offer(LiveRecord r) {
    return offer(r, trigger.fires(r));
  }

  /** As {@link #offer(LiveRecord)}, with the trigger already decided. */
  public List<Window> offer(LiveRecord r, boolean fires) {
    State s = streams.get(r.stream());
    if (s == null) {
      s = new State(r.stream());
      streams.put(r.stream(), s);
    }
    List<Window> out = new ArrayList<>(1);
    if (!evicted.isEmpty()) {
      out.addAll(evicted);
      evicted.clear();
    }
    s.add(line(r), r.time(), fires).ifPresent(out::add);
    return out;
  }

  /**
   * Closes the windows whose streams have been quiet for {@link WindowPolicy#quiet} at {@code now}.
   */
  public List<Window> expire(Instant now) {
    List<Window> out = new ArrayList<>();
    Instant limit = now.minus(policy.quiet());
    for (State s : streams.values()) {
      if (s.open != null && !s.lastSeen.isAfter(limit)) {
        s.close(Window.Closed.QUIET).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Closes every open window, for a shutdown. */
  public List<Window> closeAll() {
    List<Window> out = new ArrayList<>();
    for (State s : streams.values()) {
      s.close(Window.Closed.SHUTDOWN).ifPresent(out::add);
    }
    return out;
  }

  /** Streams followed now. */
  public int streams() {
    return streams.size();
  }

  /** Lines held now, in the streams' before-rings and open windows: what memory is spent on. */
  public long retainedLines() {
    return retained;
  }

  /** Forgets the streams not seen for {@code idle} at {@code now} that have no open window. */
  public int forgetIdle(Instant now, Duration idle) {
    Instant limit = now.minus(idle);
    int n = 0;
    for (Iterator<State> it = streams.values().iterator(); it.hasNext(); ) {
      State s = it.next();
      if (s.open == null && s.lastSeen.isBefore(limit)) {
        retained -= s.ringSize;
        it.remove();
        n++;
      }
    }
    return n;
  }

  /** The text a record stands for in a window: its time, its level when known, its body. */
  private String line(LiveRecord r) {
    String body = r.body();
    int nl = body.indexOf('\n');
    // A multi-line body (a stack trace in one record) stays one window line per text line.
    String text = nl < 0 ? body : body.stripTrailing();
    String prefix =
        r.time()
            + (r.level() == dev.destill.core.stats.Level.UNKNOWN
                ? " "
                : " " + r.level().name() + " ");
    String line = prefix + text;
    return line.length() > policy.maxLineChars() ? line.substring(0, policy.maxLineChars()) : line;
  }

  /** One followed stream. */
  private final class State {
    final StreamKey key;
    final String[] ring = new String[Math.max(1, policy.before())];
    int ringStart;
    int ringSize;
    long lines;
    Instant lastSeen = Instant.EPOCH;
    Open open;

    State(StreamKey key) {
      this.key = key;
    }

    java.util.Optional<Window> add(String text, Instant time, boolean fires) {
      String[] parts = text.split("\n", -1);
      java.util.Optional<Window> closed = java.util.Optional.empty();
      lastSeen = time.isAfter(lastSeen) ? time : lastSeen;
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i];
        lines++;
        boolean first = i == 0 && fires;
        if (open == null) {
          if (first) {
            open = new Open(lines - ringSize, time);
            for (int j = 0; j < ringSize; j++) {
              open.lines.add(ring[(ringStart + j) % ring.length]);
            }
            // The ring's lines now count as the window's.
            ringStart = 0;
            ringSize = 0;
            open.lines.add(part);
            retained++;
            open.triggers = 1;
            open.end = time;
          } else {
            push(part);
          }
          continue;
        }
        open.lines.add(part);
        retained++;
        open.end = time;
        if (first) {
          open.triggers++;
          open.sinceTrigger = 0;
        } else if (i == 0) {
          open.sinceTrigger++;
        }
        if (open.lines.size() >= policy.maxLines()) {
          closed = close(Window.Closed.FULL);
        } else if (open.sinceTrigger >= policy.after() && i == parts.length - 1) {
          closed = close(Window.Closed.AFTER);
        }
      }
      return closed;
    }

    private void push(String part) {
      if (policy.before() == 0) {
        return;
      }
      if (ringSize < ring.length) {
        ring[(ringStart + ringSize) % ring.length] = part;
        ringSize++;
        retained++;
      } else {
        ring[ringStart] = part;
        ringStart = (ringStart + 1) % ring.length;
      }
    }

    java.util.Optional<Window> close(Window.Closed why) {
      if (open == null) {
        return java.util.Optional.empty();
      }
      Open o = open;
      open = null;
      retained -= o.lines.size();
      return java.util.Optional.of(
          new Window(key, Math.max(1, o.firstLine), o.lines, o.triggers, o.start, o.end, why));
    }
  }

  private static final class Open {
    final long firstLine;
    final Instant start;
    final List<String> lines = new ArrayList<>();
    int triggers;
    int sinceTrigger;
    Instant end;

    Open(long firstLine, Instant start) {
      this.firstLine = firstLine;
      this.start = start;
    }
  }
}
