package dev.destill.live.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SyslogParserTest {
  private static SyslogMessage parse(String s) throws SyslogParser.Malformed {
    return SyslogParser.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldParseTheRfc5424Example() throws Exception {
    SyslogMessage m =
        parse(
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47"
                + " [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                + " \uFEFFAn application event log entry...");
    assertThat(m.format()).isEqualTo(SyslogMessage.Format.RFC5424);
    assertThat(m.facility()).isEqualTo(20);
    assertThat(m.severity()).isEqualTo(5);
    assertThat(m.time()).hasValue(Instant.parse("2003-10-11T22:14:15.003Z"));
    assertThat(m.host()).isEqualTo("mymachine.example.com");
    assertThat(m.app()).isEqualTo("evntslog");
    assertThat(m.procId()).isEmpty();
    assertThat(m.msgId()).isEqualTo("ID47");
    assertThat(m.structuredData()).startsWith("[exampleSDID@32473").endsWith("\"1011\"]");
    assertThat(m.message()).isEqualTo("An application event log entry...");
  }

  @Test
  void shouldParseStructuredDataWithEscapedBracketsAndNilValues() throws Exception {
    SyslogMessage m = parse("<11>1 - - app 42 - [a b=\"x\\]y\"][c d=\"\"] disk full");
    assertThat(m.severity()).isEqualTo(3);
    assertThat(m.time()).isEmpty();
    assertThat(m.host()).isEmpty();
    assertThat(m.procId()).isEqualTo("42");
    assertThat(m.structuredData()).isEqualTo("[a b=\"x\\]y\"][c d=\"\"]");
    assertThat(m.message()).isEqualTo("disk full");
  }

  @Test
  void shouldParseRfc3164WithHostAndTag() throws Exception {
    SyslogMessage m = parse("<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick");
    assertThat(m.format()).isEqualTo(SyslogMessage.Format.RFC3164);
    assertThat(m.facility()).isEqualTo(4);
    assertThat(m.severity()).isEqualTo(2);
    assertThat(m.host()).isEqualTo("mymachine");
    assertThat(m.app()).isEqualTo("su");
    assertThat(m.procId()).isEqualTo("230");
    assertThat(m.message()).isEqualTo("'su root' failed for lonvick");
  }

  @Test
  void shouldParseRfc3164WithoutAHostOrTimestamp() throws Exception {
    SyslogMessage noHost = parse("<13>Feb  5 17:32:18 cron: job started");
    assertThat(noHost.host()).isEmpty();
    assertThat(noHost.app()).isEqualTo("cron");
    SyslogMessage bare = parse("<13>just text");
    assertThat(bare.message()).isEqualTo("just text");
  }

  @Test
  void shouldReplaceBytesThatAreNotUtf8() throws Exception {
    byte[] b = "<14>1 - h a - - - bad \0\0 here".getBytes(StandardCharsets.UTF_8);
    b[b.length - 7] = (byte) 0xff;
    b[b.length - 6] = (byte) 0xfe;
    assertThat(SyslogParser.parse(b).message()).isEqualTo("bad \uFFFD\uFFFD here");
  }

  @Test
  void shouldRejectFramesThatAreNotSyslog() {
    assertThatThrownBy(() -> parse("hello")).hasMessageContaining("<PRI>");
    assertThatThrownBy(() -> parse("<999>1 x")).hasMessageContaining("PRI");
    assertThatThrownBy(() -> parse("<13>1 2003-13-99T00:00:00Z h a - - - x"))
        .hasMessageContaining("TIMESTAMP");
    assertThatThrownBy(() -> parse("<13>1 - h a - - [open")).hasMessageContaining("STRUCTURED");
    assertThatThrownBy(() -> parse("<13>1 - h")).hasMessageContaining("cut short");
  }
}
