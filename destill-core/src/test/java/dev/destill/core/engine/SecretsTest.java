package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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

  /**
   * Random texts made of {@code pieces}: every one {@code regex} matches passes {@code precheck}.
   */
  private static void assertPrecheckHolds(
      String regex, Predicate<String> precheck, String... pieces) {
    Pattern pattern = Pattern.compile(regex);
    Random random = new Random(17);
    int matched = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = random.nextInt(24); n > 0; n--) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = sb.toString();
      if (pattern.matcher(text).find()) {
        matched++;
        assertThat(precheck.test(text)).as(text).isTrue();
      }
    }
    assertThat(matched).as("random texts the regex matches").isGreaterThan(100);
  }

  @Test
  void shouldPrecheckPasswordsOnlyWhereTheRegexCouldMatch() {
    assertPrecheckHolds(
        Secrets.USER_PASSWORD_AT_HOST,
        Secrets::mayHoldUserPassword,
        "ab9:@/ '\"=(,.-_x\t".split(""));
    assertPrecheckHolds(
        Secrets.URL_PASSWORD,
        Secrets::mayHoldUrlPassword,
        "a",
        "9",
        ":",
        "@",
        "/",
        " ",
        "\n",
        ".",
        "+",
        "-",
        "://",
        "https",
        "://u",
        ":p@");
    assertThat(Secrets.mayHoldUserPassword("npm warn deprecated glob@7.2.3: Glob older than v9"))
        .isFalse();
    assertThat(Secrets.mayHoldUserPassword("[INFO] --- surefire:3.2.5:test (default) @ core ---"))
        .isFalse();
    assertThat(
            Secrets.mayHoldUrlPassword(
                "Downloading from central: https://repo.maven.apache.org/maven2/org/a@b/x.pom"))
        .isFalse();
  }

  @Test
  void shouldMaskUserPasswordsWithAndWithoutAScheme() {
    assertThat(Secrets.mask("connecting to redis://default:s3cretpw@cache:6379"))
        .isEqualTo("connecting to redis://default:****@cache:6379");
    assertThat(Secrets.mask("mongo --uri admin:s3cretpw@db.internal"))
        .isEqualTo("mongo --uri admin:****@db.internal");
    assertThat(Secrets.mask("npm warn deprecated inflight@1.0.6: This module leaks memory"))
        .doesNotContain(Secrets.MASK);
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
