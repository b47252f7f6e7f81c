package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoilerplateTest {

  @Test
  void shouldRecognizeLinesEveryFailedBuildPrints() {
    assertThat(Boilerplate.is("[ERROR] ")).isTrue();
    assertThat(Boilerplate.is("[ERROR]")).isTrue();
    assertThat(Boilerplate.is("[INFO] BUILD FAILURE")).isFalse();
    assertThat(Boilerplate.is("BUILD FAILURE")).isTrue();
    assertThat(
            Boilerplate.is(
                "2024-05-01T10:00:00.1234567Z ##[error]Process completed with exit code 1."))
        .isTrue();
    assertThat(Boilerplate.is("ERROR: Job failed: exit code 1")).isTrue();
    assertThat(Boilerplate.is("make: *** [Makefile:12: all] Error 2")).isTrue();
    assertThat(Boilerplate.is("npm ERR! code ELIFECYCLE")).isTrue();
    assertThat(
            Boilerplate.is(
                "[ERROR] Re-run Maven using the -X switch to enable full debug logging."))
        .isTrue();
    assertThat(Boilerplate.is("[ERROR] -> [Help 1]")).isTrue();
    assertThat(Boilerplate.is("FAILURE: Build failed with an exception.")).isTrue();
    assertThat(Boilerplate.is("Error: exit code 1")).isTrue();
  }

  @Test
  void shouldKeepLinesThatSayWhatWentWrong() {
    assertThat(Boilerplate.is("[ERROR] /src/Cart.java:[87,29] cannot find symbol")).isFalse();
    assertThat(Boilerplate.is("collect2: error: ld returned 1 exit status: cannot find -lssl"))
        .isFalse();
    assertThat(Boilerplate.is("--- FAIL: TestPostTransfer (0.00s)")).isFalse();
    assertThat(Boilerplate.is("FATAL: database migration 0042 failed")).isFalse();
    assertThat(Boilerplate.is("error: could not compile `shop` due to 2 previous errors"))
        .isFalse();
  }
}
