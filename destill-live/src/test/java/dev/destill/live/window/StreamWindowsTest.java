package dev.destill.live.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.stats.Level;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.StreamKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamWindowsTest {
  private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");
  private static final StreamKey API = new StreamKey("api", "pod-1");
  private final WindowPolicy policy = new WindowPolicy(5, 4, 100, Duration.ofSeconds(5), 100, 512);

  private static LiveRecord info(StreamKey k, int i) {
    return LiveRecord.of(T0.plusMillis(i), k, Level.INFO, "handled request " + i + " in 3 ms");
  }

  @Test
  void shouldCutOneWindowAroundAnErrorAmidASteadyStream() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    List<Window> closed = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      closed.addAll(w.offer(info(API, i)));
    }
    closed.addAll(
        w.offer(
            LiveRecord.of(
                T0.plusMillis(51), API, Level.ERROR, "database connection refused: db:5432")));
    for (int i = 52; i <= 100; i++) {
      closed.addAll(w.offer(info(API, i)));
    }

    assertThat(closed).hasSize(1);
    Window win = closed.get(0);
    assertThat(win.reason()).isEqualTo(Window.Closed.AFTER);
    assertThat(win.triggers()).isEqualTo(1);
    // 5 before, the error, 4 after.
    assertThat(win.lines()).hasSize(10);
    assertThat(win.firstLine()).isEqualTo(46);
    assertThat(win.lines().get(0)).endsWith("handled request 46 in 3 ms");
    assertThat(win.lines().get(5)).contains("ERROR database connection refused");
    assertThat(win.lines().get(9)).endsWith("handled request 55 in 3 ms");
  }

  @Test
  void shouldOpenAWindowOnARuleMatchWithoutALevel() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    w.offer(LiveRecord.of(T0, API, Level.UNKNOWN, "starting"));
    w.offer(
        LiveRecord.of(
            T0,
            API,
            Level.UNKNOWN,
            "Exception in thread \"main\" java.lang.NullPointerException: boom"));
    List<Window> closed = w.expire(T0.plusSeconds(6));

    assertThat(closed).singleElement().satisfies(x -> assertThat(x.lines()).hasSize(2));
    assertThat(closed.get(0).reason()).isEqualTo(Window.Closed.QUIET);
  }

  @Test
  void shouldNotOpenAWindowForInfoOrWarnings() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    for (int i = 0; i < 100; i++) {
      assertThat(w.offer(LiveRecord.of(T0, API, Level.WARN, "cache miss ratio high " + i)))
          .isEmpty();
    }
    assertThat(w.closeAll()).isEmpty();
  }

  @Test
  void shouldMakeOneWindowOfABurstOfErrors() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    List<Window> closed = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      closed.addAll(
          w.offer(LiveRecord.of(T0.plusMillis(i), API, Level.ERROR, "upstream timed out " + i)));
    }
    closed.addAll(w.expire(T0.plusSeconds(10)));

    assertThat(closed).singleElement().satisfies(x -> assertThat(x.triggers()).isEqualTo(30));
  }

  @Test
  void shouldCloseAFullWindowAndOpenTheNextOnTheNextError() {
    WindowPolicy small = new WindowPolicy(0, 1000, 10, Duration.ofSeconds(5), 100, 512);
    StreamWindows w = new StreamWindows(small, Trigger.standard());
    List<Window> closed = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      closed.addAll(w.offer(LiveRecord.of(T0, API, Level.ERROR, "failed " + i)));
    }
    closed.addAll(w.closeAll());

    assertThat(closed).extracting(x -> x.lines().size()).containsExactly(10, 10, 5);
    assertThat(closed)
        .extracting(Window::reason)
        .containsExactly(Window.Closed.FULL, Window.Closed.FULL, Window.Closed.SHUTDOWN);
  }

  @Test
  void shouldKeepStreamsApart() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    StreamKey other = new StreamKey("api", "pod-2");
    w.offer(info(other, 1));
    w.offer(LiveRecord.of(T0, API, Level.ERROR, "out of memory"));
    w.offer(info(other, 2));
    List<Window> closed = w.closeAll();

    assertThat(closed)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.stream()).isEqualTo(API);
              assertThat(x.lines()).hasSize(1);
            });
  }

  @Test
  void shouldStayBoundedWithTenThousandStreams() {
    WindowPolicy p = WindowPolicy.defaults().withMaxStreams(1_000);
    StreamWindows w = new StreamWindows(p, Trigger.standard());
    List<Window> evicted = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      for (int s = 0; s < 10_000; s++) {
        StreamKey k = new StreamKey("svc-" + s, "i");
        for (int i = 0; i < 30; i++) {
          evicted.addAll(w.offer(info(k, i)));
        }
        if (s % 100 == 0) {
          evicted.addAll(w.offer(LiveRecord.of(T0, k, Level.ERROR, "disk full")));
        }
      }
      assertThat(w.streams()).isLessThanOrEqualTo(1_000);
      // Each stream holds at most its before-ring; open windows at most their lines.
      assertThat(w.retainedLines()).isLessThanOrEqualTo(1_000L * (p.before() + p.after() + 1));
    }
    // A stream dropped with its window open still has the window analyzed.
    assertThat(evicted).isNotEmpty().allSatisfy(x -> assertThat(x.triggers()).isEqualTo(1));
  }

  @Test
  void shouldCountLinesOfAMultiLineRecordSeparately() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    w.offer(
        LiveRecord.of(
            T0,
            API,
            Level.ERROR,
            "java.lang.IllegalStateException: bad\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)"));
    assertThat(w.closeAll()).singleElement().satisfies(x -> assertThat(x.lines()).hasSize(3));
  }

  @Test
  void shouldForgetIdleStreamsWithoutOpenWindows() {
    StreamWindows w = new StreamWindows(policy, Trigger.standard());
    w.offer(info(API, 1));
    w.offer(LiveRecord.of(T0, new StreamKey("b", "x"), Level.ERROR, "boom failed"));
    assertThat(w.forgetIdle(T0.plus(Duration.ofHours(1)), Duration.ofMinutes(30))).isEqualTo(1);
    assertThat(w.streams()).isEqualTo(1);
  }
}
