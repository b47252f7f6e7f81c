package dev.destill.core.analyze.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.store.AbstractFindingStoreTest.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BaselineCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

  private static LineTemplates set(String line) {
    return LineTemplates.builder().add(line).build();
  }

  @Test
  void shouldPushOutTheLeastRecentlyUsedSetToStayWithinItsBytes() {
    LineTemplates a = set("a");
    long one = a.bytes();
    BaselineCache cache = new BaselineCache(2 * one, Duration.ofHours(1), clock);
    cache.put("a", a);
    cache.put("b", set("b"));
    assertThat(cache.get("a")).containsSame(a); // a is now the most recently used
    cache.put("c", set("c"));

    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.get("a")).containsSame(a);
    assertThat(cache.get("c")).isPresent();
    assertThat(cache.bytes()).isEqualTo(2 * one);
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void shouldReplaceASetPutAgainAndKeepAnOversizedSetAlone() {
    LineTemplates a = set("a");
    BaselineCache cache = new BaselineCache(a.bytes(), Duration.ofHours(1), clock);
    cache.put("a", set("old"));
    cache.put("a", a);
    assertThat(cache.get("a")).containsSame(a);
    assertThat(cache.bytes()).isEqualTo(a.bytes());

    BaselineCache tiny = new BaselineCache(1, Duration.ofHours(1), clock);
    tiny.put("x", a);
    tiny.put("y", a);
    assertThat(tiny.get("x")).isEmpty();
    assertThat(tiny.get("y")).containsSame(a);
  }

  @Test
  void shouldDropEverySetOfACompletedRequestAndNoOther() {
    BaselineCache cache = new BaselineCache(1L << 30, Duration.ofHours(1), clock);
    cache.put(BaselineParts.key("req-1", "a"), set("a"));
    cache.put(BaselineParts.key("req-1", "b"), set("b"));
    cache.put(BaselineParts.key("req-10", "a"), set("a"));
    cache.removeRequest("req-1");
    assertThat(cache.get(BaselineParts.key("req-1", "a"))).isEmpty();
    assertThat(cache.get(BaselineParts.key("req-1", "b"))).isEmpty();
    assertThat(cache.get(BaselineParts.key("req-10", "a"))).isPresent();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void shouldDropASetOlderThanAllowed() {
    BaselineCache cache = new BaselineCache(1L << 30, Duration.ofMinutes(30), clock);
    cache.put("a", set("a"));
    clock.advance(Duration.ofMinutes(29));
    assertThat(cache.get("a")).isPresent();
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.get("a")).isEmpty();
    assertThat(cache.bytes()).isZero();
  }
}
