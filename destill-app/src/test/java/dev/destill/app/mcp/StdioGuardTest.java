package dev.destill.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StdioGuardTest {
  static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

  @Test
  void shouldPassMessagesOnAnswerTheRestAndTellTheEnd() throws Exception {
    byte[] stdin = ("not json\n\n" + PING + "\n{\"id\":3}\n").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    StdioGuard guard = new StdioGuard(new ByteArrayInputStream(stdin), stdout);

    guard.start();
    guard.awaitEnd();

    assertThat(new String(guard.sdkInput().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(PING + "\n");
    assertThat(stdout.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error: the line is not JSON\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: expected a JSON-RPC 2.0 message object\"}}");
  }

  @Test
  void shouldWriteTheSdksLinesWhole() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    StdioGuard guard = new StdioGuard(new ByteArrayInputStream(new byte[0]), stdout);
    var sdk = guard.sdkOutput();

    sdk.write("{\"a\":".getBytes(StandardCharsets.UTF_8));
    sdk.flush();
    assertThat(stdout.size()).as("half a line is held").isZero();
    sdk.write("1}\n{\"b\"".getBytes(StandardCharsets.UTF_8));

    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n");
  }
}
