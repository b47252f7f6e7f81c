package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobPairingTest {

  @Test
  void shouldPairMatrixJobsByTheirValuesInAnyOrder() {
    Map<String, Integer> passing =
        Map.of("test (ubuntu-latest, 17)", 1, "test (ubuntu-latest, 21)", 2, "lint", 3);
    assertThat(JobPairing.pair("test (21, ubuntu-latest)", passing)).contains(2);
    assertThat(JobPairing.pair("test (ubuntu-latest, 17)", passing)).contains(1);
    assertThat(JobPairing.pair("Lint", passing)).contains(3);
    assertThat(JobPairing.pair("test (windows, 17)", passing)).isEmpty();
  }

  @Test
  void shouldReadGitLabMatrixNames() {
    assertThat(JobPairing.key("rspec: [3.2, alpine]"))
        .isEqualTo(JobPairing.key("rspec: [alpine, 3.2]"));
    assertThat(JobPairing.key("rspec: [3.2, alpine]"))
        .isNotEqualTo(JobPairing.key("rspec: [3.3, alpine]"));
  }
}
