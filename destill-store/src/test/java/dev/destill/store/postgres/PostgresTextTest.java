package dev.destill.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresTextTest {
  @Test
  void shouldReplaceNulsAndLoneSurrogatesAndKeepPairs() {
    assertThat(PostgresText.clean("a\u0000b")).isEqualTo("a\uFFFDb");
    assertThat(PostgresText.clean("lone \uD83D high")).isEqualTo("lone \uFFFD high");
    assertThat(PostgresText.clean("lone \uDE00 low")).isEqualTo("lone \uFFFD low");
    assertThat(PostgresText.clean("end \uD83D")).isEqualTo("end \uFFFD");
    assertThat(PostgresText.clean("pair \uD83D\uDE00 kept")).isEqualTo("pair \uD83D\uDE00 kept");
    String clean = "nothing to do: é ✓";
    assertThat(PostgresText.clean(clean)).isSameAs(clean);
    assertThat(PostgresText.clean(null)).isNull();
  }

  @Test
  void shouldReplaceTheEscapesJsonbRefusesAndKeepEscapedBackslashes() {
    assertThat(PostgresText.cleanJson("{\"m\":\"a\\u0000b\"}")).isEqualTo("{\"m\":\"a\\uFFFDb\"}");
    assertThat(PostgresText.cleanJson("{\"m\":\"\\ud83d x\"}")).isEqualTo("{\"m\":\"\\uFFFD x\"}");
    assertThat(PostgresText.cleanJson("{\"m\":\"\\ud83d\\ude00\"}"))
        .isEqualTo("{\"m\":\"\\ud83d\\ude00\"}");
    // An escaped backslash followed by the text u0000 is no escape.
    assertThat(PostgresText.cleanJson("{\"m\":\"C:\\\\u0000\"}"))
        .isEqualTo("{\"m\":\"C:\\\\u0000\"}");
    assertThat(PostgresText.cleanJson("{\"m\":\"tab\\t \\u00e9\"}"))
        .isEqualTo("{\"m\":\"tab\\t \\u00e9\"}");
  }
}
