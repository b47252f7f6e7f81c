package dev.destill.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
  @Test
  void shouldBindLoopbackOn8080ByDefault() {
    ServerSettings s = ServerSettings.from(Map.of(), Optional.empty(), Optional.empty(), false);

    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(8080);
    assertThat(s.writeToken()).isEmpty();
    assertThat(s.readsNeedToken()).isFalse();
  }

  @Test
  void shouldLetTheCommandLineWinOverTheEnvironment() {
    ServerSettings s =
        ServerSettings.from(
            Map.of("DESTILL_SERVER_HOST", "0.0.0.0", "DESTILL_SERVER_PORT", "9000"),
            Optional.of("::1"),
            Optional.of(0),
            true);

    assertThat(s.host()).isEqualTo("::1");
    assertThat(s.port()).isZero();
    assertThat(s.readsNeedToken()).isTrue();
  }

  @Test
  void shouldNameTheVariableOfABadValue() {
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    Map.of("DESTILL_SERVER_MAX_QUEUED", "lots"),
                    Optional.empty(),
                    Optional.empty(),
                    false))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("DESTILL_SERVER_MAX_QUEUED")
        .hasMessageContaining("lots");
  }

  @Test
  void shouldNeverShowASecretInItsDescription() {
    ServerSettings s =
        ServerSettings.from(
            Map.of(
                "DESTILL_SERVER_TOKEN", "tok-123456", "DESTILL_GITHUB_WEBHOOK_SECRET", "gh-654321"),
            Optional.empty(),
            Optional.empty(),
            false);

    assertThat(s.toString())
        .doesNotContain("tok-123456")
        .doesNotContain("gh-654321")
        .contains("github");
    assertThat(new Masking(s).mask("token tok-123456 and gh-654321"))
        .isEqualTo("token *** and ***");
  }
}
