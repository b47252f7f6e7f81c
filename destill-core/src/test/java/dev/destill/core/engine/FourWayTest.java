package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FourWayTest {
  private static final int SLOTS = 1 << 8;

  // Keys of one set: the same bits 40 and up, different low bits (what entries hold).
  private static long key(int low) {
    return 0x1234L << 40 | low;
  }

  @Test
  void shouldKeepFourEntriesOfASetAndLetTheLeastRecentlyUsedGo() {
    int[] table = new int[SLOTS];
    int set = FourWay.set(key(0), SLOTS);
    for (int i = 1; i <= 4; i++) {
      FourWay.put(table, set, 2 * i + 1);
    }
    // Using the oldest makes it the newest; the next put evicts the second oldest.
    assertThat(FourWay.take(table, set, 3, -1)).isEqualTo(3);
    FourWay.put(table, set, 11);
    assertThat(FourWay.take(table, set, 3, -1)).isEqualTo(3);
    assertThat(FourWay.take(table, set, 5, -1)).isZero();
    assertThat(FourWay.take(table, set, 7, -1)).isEqualTo(7);
    assertThat(FourWay.take(table, set, 9, -1)).isEqualTo(9);
    assertThat(FourWay.take(table, set, 11, -1)).isEqualTo(11);
  }

  @Test
  void shouldMatchEntriesUnderTheMaskAndGiveThemWhole() {
    int[] table = new int[SLOTS];
    int set = FourWay.set(key(0), SLOTS);
    FourWay.put(table, set, 0x40 | 4 | 2);
    assertThat(FourWay.take(table, set, 0x40 | 4, ~3)).isEqualTo(0x40 | 4 | 2);
    assertThat(FourWay.take(table, set, 0x80 | 4, ~3)).isZero();
  }

  @Test
  void shouldPutKeysOfOtherSetsApart() {
    int[] table = new int[SLOTS];
    int a = FourWay.set(key(0), SLOTS);
    int b = FourWay.set(0x1235L << 40, SLOTS);
    assertThat(a).isNotEqualTo(b);
    assertThat(a % FourWay.WAYS).isZero();
    assertThat(b).isBetween(0, SLOTS - FourWay.WAYS);
    FourWay.put(table, a, 3);
    assertThat(FourWay.take(table, b, 3, -1)).isZero();
  }
}
