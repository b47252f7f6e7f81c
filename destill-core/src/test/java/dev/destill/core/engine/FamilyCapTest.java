package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FamilyCapTest {

  @Test
  void shouldKeepTheStrongestOfEachFamilyBeforeTheStrongestOverall() {
    Map<String, Double> strength = new HashMap<>();
    FamilyCap<String> cap =
        new FamilyCap<>(3, Comparator.comparingDouble((String k) -> strength.get(k)));
    List<String> evicted = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      strength.put("compile" + i, 0.9 + i * 0.001);
      cap.add("compile" + i, "error cannot find").ifPresent(evicted::add);
    }
    strength.put("ld", 0.5);
    assertThat(cap.wouldDrop("error ld returned", "ld")).isFalse();
    cap.add("ld", "error ld returned").ifPresent(evicted::add);
    // The weak but distinctive one stays; a compile error went instead.
    assertThat(evicted).doesNotContain("ld").hasSize(48);
    assertThat(cap.size()).isEqualTo(3);
    assertThat(cap.familyOf("ld")).isEqualTo("error ld returned");
    // Another weak compile error would go at once.
    strength.put("weak", 0.1);
    assertThat(cap.wouldDrop("error cannot find", "weak")).isTrue();
  }

  @Test
  void shouldEvictAndDropAsAFullSearchOfTheFamiliesWould() {
    // The cap keeps the largest family's size as keys come and go; a search of every family on
    // every call, as the policy reads, must agree with it all along.
    java.util.Random random = new java.util.Random(3);
    Map<String, Double> strength = new HashMap<>();
    Comparator<String> weaker = Comparator.comparingDouble((String k) -> strength.get(k));
    FamilyCap<String> cap = new FamilyCap<>(20, weaker);
    Map<String, String> held = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      String key = "k" + i;
      String family = "f" + random.nextInt(random.nextBoolean() ? 3 : 12);
      strength.put(key, random.nextDouble());
      Map<String, Integer> sizes = new HashMap<>();
      held.values().forEach(f -> sizes.merge(f, 1, Integer::sum));
      int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      boolean drops =
          held.size() >= 20
              && sizes.getOrDefault(family, 0) >= largest
              && held.entrySet().stream()
                  .filter(e -> e.getValue().equals(family))
                  .allMatch(e -> weaker.compare(key, e.getKey()) < 0);
      assertThat(cap.wouldDrop(family, key)).as("key %d", i).isEqualTo(drops);
      if (random.nextInt(10) == 0 && !held.isEmpty()) {
        String gone = held.keySet().iterator().next();
        assertThat(cap.remove(gone)).isTrue();
        held.remove(gone);
        continue;
      }
      held.put(key, family);
      var out = cap.add(key, family);
      if (held.size() > 20) {
        sizes.merge(family, 1, Integer::sum);
        int top = sizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        String expected =
            held.entrySet().stream()
                .filter(e -> sizes.get(e.getValue()) == top)
                .map(Map.Entry::getKey)
                .min(weaker)
                .orElseThrow();
        assertThat(out).as("key %d", i).contains(expected);
        held.remove(expected);
      } else {
        assertThat(out).isEmpty();
      }
    }
  }

  @Test
  void shouldNameFamiliesByTheirFirstWordsLeavingOutPathsAndNumbers() {
    assertThat(FamilyCap.family("[ERROR] /src/A.java:[3,5] cannot find symbol"))
        .isEqualTo("error cannot find");
    assertThat(FamilyCap.family("collect2: error: ld returned 1 exit status: cannot find -lssl"))
        .isEqualTo("error ld returned");
    assertThat(FamilyCap.family("src/m1.c:2:5: error: unknown type name xbaaa"))
        .isEqualTo("error unknown type");
  }
}
