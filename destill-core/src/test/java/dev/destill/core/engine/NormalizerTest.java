package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NormalizerTest {

  @Test
  void shouldMaskVolatilePartsSoTheSameFailureHashesTheSame() {
    String a =
        "2026-01-02T03:04:05.123Z ERROR request 3f2b1c9e-1111-4222-8333-944455556666 to 10.0.0.12:8080 "
            + "failed after 1532ms at 0x7ffd12ab (commit 9fceb02d0ae598e95dc970b74767f19372d61af8) in /home/ci/a/b.go";
    String b =
        "2026-02-03T04:05:06.999Z ERROR request 0a0b0c0d-2222-4333-8444-955566667777 to 10.1.2.3:9090 "
            + "failed after 87ms at 0x1 (commit 0123456789abcdef0123456789abcdef01234567) in /builds/x/y/b.go";
    assertThat(Normalizer.normalize(a)).isEqualTo(Normalizer.normalize(b));
    assertThat(Hashing.sha256Hex(Normalizer.normalize(a))).hasSize(64);
  }

  @Test
  void shouldHashDifferentFailuresDifferently() {
    String[] failures = {
      "ERROR connection to the database refused",
      "ERROR connection to the cache refused",
      "ERROR connection to the database timed out",
      "cannot find symbol applyDiscount in CartService.java",
      "cannot find symbol applyCoupon in CartService.java",
      "panic: runtime error: index out of range",
      "panic: runtime error: invalid memory address or nil pointer dereference",
    };
    java.util.Set<String> hashes = new java.util.HashSet<>();
    for (String f : failures) {
      hashes.add(Hashing.sha256Hex(Normalizer.normalize(f)));
    }
    assertThat(hashes).as("one hash per failure").hasSize(failures.length);
  }

  @Test
  void shouldKeepFileAndLineAtPresentationLevel() {
    assertThat(
            Normalizer.present("/home/runner/work/app/src/Cart.java:87: error: cannot find symbol"))
        .isEqualTo("Cart.java:87: error: cannot find symbol");
  }

  @Test
  void shouldIgnoreCiTimestampPrefixes() {
    assertThat(Normalizer.normalize("2026-04-22T16:09:37.3317193Z ##[error]boom 3"))
        .isEqualTo(Normalizer.normalize("boom 4"));
  }
}
