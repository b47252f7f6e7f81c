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

  /** The corpus of secret forms: each entry a secret and a log line that holds it. */
  static List<String[]> corpus() {
    try (java.io.InputStream in = SecretsTest.class.getResourceAsStream("/secrets/corpus.tsv")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split("\t", 2))
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void shouldMaskEverySecretFormOfTheCorpus() {
    List<String[]> corpus = corpus();
    assertThat(corpus).hasSizeGreaterThan(30);
    for (String[] e : corpus) {
      String masked = Secrets.mask(e[1]);
      assertThat(masked).as(e[1]).doesNotContain(e[0]).contains(Secrets.MASK);
      // Also when the line is an error message with a CI timestamp in front.
      assertThat(Secrets.mask("2024-05-01T10:00:00.1234567Z error: " + e[1]))
          .as(e[1])
          .doesNotContain(e[0]);
    }
  }

  @Test
  void shouldMaskAssignmentsWhoseKeyEndsALongerName() {
    assertThat(Secrets.mask("DB_PASSWORD=hunter22")).isEqualTo("DB_PASSWORD=****");
    assertThat(Secrets.mask("  db_password: hunter22")).isEqualTo("  db_password: ****");
    assertThat(Secrets.mask("export SECRET_KEY=abc123")).isEqualTo("export SECRET_KEY=****");
  }

  @Test
  void shouldKeepWhatOnlyLooksLikeASecret() {
    assertThat(Secrets.mask("at com.acme.TokenValidator.check(TokenValidator.java:42)"))
        .doesNotContain(Secrets.MASK);
    assertThat(Secrets.mask("echo $PW | docker login --password-stdin -u ci"))
        .doesNotContain(Secrets.MASK);
    assertThat(Secrets.mask("pulled ghcr.io/acme/app:1.2@sha256:0123abcd"))
        .doesNotContain(Secrets.MASK);
    assertThat(Secrets.mask("mail build@example.com at 10:30")).doesNotContain(Secrets.MASK);
  }

  @Test
  void shouldFollowAKeyBlockLineByLine() {
    Secrets.KeyBlocks keys = new Secrets.KeyBlocks();
    assertThat(keys.body("error: ssh key rejected")).isFalse();
    assertThat(keys.body("-----BEGIN OPENSSH PRIVATE KEY-----")).isFalse();
    assertThat(keys.inside()).isTrue();
    assertThat(keys.body("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"))
        .isTrue();
    assertThat(keys.body("-----END OPENSSH PRIVATE KEY-----")).isFalse();
    assertThat(keys.body("next line")).isFalse();
  }

  @Test
  void shouldEndAKeyBlockThatNeverEnds() {
    Secrets.KeyBlocks keys = new Secrets.KeyBlocks();
    keys.body("-----BEGIN PRIVATE KEY-----");
    for (int i = 0; i < Secrets.KeyBlocks.MAX_LINES; i++) {
      assertThat(keys.body("AAAA")).isTrue();
    }
    assertThat(keys.body("after")).isFalse();
    assertThat(keys.inside()).isFalse();
  }
}
