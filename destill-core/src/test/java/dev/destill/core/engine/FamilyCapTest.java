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
  void shouldNameFamiliesByTheirFirstWordsLeavingOutPathsAndNumbers() {
    assertThat(FamilyCap.family("[ERROR] /src/A.java:[3,5] cannot find symbol"))
        .isEqualTo("error cannot find");
    assertThat(FamilyCap.family("collect2: error: ld returned 1 exit status: cannot find -lssl"))
        .isEqualTo("error ld returned");
    assertThat(FamilyCap.family("src/m1.c:2:5: error: unknown type name xbaaa"))
        .isEqualTo("error unknown type");
  }
}
