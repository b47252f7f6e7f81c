package dev.destill.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
  static ServerSettings settings(
      Optional<String> token, Optional<String> github, Optional<Path> keystore) {
    return new ServerSettings(
        "127.0.0.1",
        8080,
        token,
        Optional.empty(),
        false,
        github,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Duration.ofMinutes(5),
        1 << 20,
        1 << 20,
        16 << 10,
        10,
        1,
        10,
        Duration.ofSeconds(1),
        keystore,
        Optional.empty());
  }

  @Test
  void shouldNeverShowASecretInItsDescription() {
    ServerSettings s =
        settings(Optional.of("tok-123456"), Optional.of("gh-654321"), Optional.empty());

    assertThat(s.toString())
        .doesNotContain("tok-123456")
        .doesNotContain("gh-654321")
        .contains("github");
    assertThat(new Masking(s).mask("token tok-123456 and gh-654321"))
        .isEqualTo("token *** and ***");
  }

  @Test
  void shouldNeedTheKeystoresPassword() {
    assertThatThrownBy(
            () -> settings(Optional.empty(), Optional.empty(), Optional.of(Path.of("ks.p12"))))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("DESTILL_SERVER_KEYSTORE_PASSWORD");
  }
}
