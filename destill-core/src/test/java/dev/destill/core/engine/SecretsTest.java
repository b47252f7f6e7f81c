package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void shouldMaskPasswordsInUrls() {
    assertThat(Secrets.mask("git clone https://ci-bot:hunter2secret@git.example.com/a.git"))
        .isEqualTo("git clone https://ci-bot:****@git.example.com/a.git");
  }

  @Test
  void shouldMaskAuthorizationHeadersAndAssignments() {
    assertThat(Secrets.mask("Authorization: Bearer abc.def.ghi123"))
        .doesNotContain("abc.def.ghi123");
    assertThat(Secrets.mask("export API_KEY=s3cr3tvalue")).doesNotContain("s3cr3tvalue");
    assertThat(Secrets.mask("password: \"letmein99\"")).doesNotContain("letmein99");
  }

  @Test
  void shouldMaskWellKnownTokens() {
    String gh = "ghp_" + "a".repeat(36);
    String gl = "glpat-" + "b".repeat(20);
    String aws = "AKIA" + "ABCDEFGHIJKLMNOP";
    assertThat(Secrets.mask("token " + gh + " and " + gl + " and " + aws))
        .doesNotContain(gh)
        .doesNotContain(gl)
        .doesNotContain(aws);
  }

  @Test
  void shouldMaskPrivateKeyBodies() {
    List<String> out =
        Secrets.maskAll(
            List.of(
                "-----BEGIN RSA PRIVATE KEY-----",
                "MIIEowIBAAKCAQEA",
                "-----END RSA PRIVATE KEY-----"));
    assertThat(out.get(1)).isEqualTo(Secrets.MASK);
  }

  @Test
  void shouldLeaveOrdinaryLinesAlone() {
    assertThat(Secrets.mask("docker run -v $PWD:/src image"))
        .isEqualTo("docker run -v $PWD:/src image");
    assertThat(Secrets.mask("[ERROR] Failed to execute goal"))
        .isEqualTo("[ERROR] Failed to execute goal");
  }
}
