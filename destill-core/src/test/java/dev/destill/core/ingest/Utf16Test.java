package dev.destill.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf16Test {
  static final String LOG = "step 1\r\nerror: café not found\r\n" + "x".repeat(20_000) + "\n";

  static String read(byte[] bytes) throws IOException {
    try (InputStream in = Utf16.toUtf8(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static byte[] withBom(Charset cs) {
    byte[] body = LOG.getBytes(cs);
    byte[] bom =
        cs.equals(StandardCharsets.UTF_16LE)
            ? new byte[] {(byte) 0xff, (byte) 0xfe}
            : new byte[] {(byte) 0xfe, (byte) 0xff};
    byte[] out = new byte[body.length + 2];
    System.arraycopy(bom, 0, out, 0, 2);
    System.arraycopy(body, 0, out, 2, body.length);
    return out;
  }

  @Test
  void shouldDecodeUtf16WithAByteOrderMark() throws IOException {
    assertThat(read(withBom(StandardCharsets.UTF_16LE))).isEqualTo(LOG);
    assertThat(read(withBom(StandardCharsets.UTF_16BE))).isEqualTo(LOG);
  }

  @Test
  void shouldDecodeUtf16WithoutAByteOrderMark() throws IOException {
    assertThat(read(LOG.getBytes(StandardCharsets.UTF_16LE))).isEqualTo(LOG);
    assertThat(read(LOG.getBytes(StandardCharsets.UTF_16BE))).isEqualTo(LOG);
  }

  @Test
  void shouldPassOtherLogsThroughUnchanged() throws IOException {
    byte[] utf8 = LOG.getBytes(StandardCharsets.UTF_8);
    assertThat(read(utf8)).isEqualTo(LOG);
    byte[] binary = {0, 1, 2, 0, 0, 0, (byte) 0xff, 7};
    try (InputStream in = Utf16.toUtf8(new ByteArrayInputStream(binary))) {
      assertThat(in.readAllBytes()).isEqualTo(binary);
    }
  }

  @Test
  void shouldHandBackAReadErrorAfterTheBytesReadBeforeIt() throws IOException {
    byte[] start = "error: first\n".getBytes(StandardCharsets.UTF_8);
    InputStream broken =
        new InputStream() {
          int at;

          @Override
          public int read() throws IOException {
            if (at < start.length) {
              return start[at++];
            }
            throw new IOException("connection reset");
          }
        };
    InputStream in = Utf16.toUtf8(broken);
    byte[] got = new byte[start.length];
    assertThat(in.readNBytes(got, 0, got.length)).isEqualTo(start.length);
    assertThat(got).isEqualTo(start);
    org.assertj.core.api.Assertions.assertThatThrownBy(in::read)
        .isInstanceOf(IOException.class)
        .hasMessage("connection reset");
  }

  @Test
  void shouldNotReadOnPastTheEndOfAShortInput() throws IOException {
    // A terminal ends typed input once (Ctrl-D); a read after that would wait for more.
    byte[] line = "npm ERR! code 1\n".getBytes(StandardCharsets.UTF_8);
    InputStream typed =
        new InputStream() {
          int reads;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            switch (reads++) {
              case 0 -> {
                System.arraycopy(line, 0, b, off, line.length);
                return line.length;
              }
              case 1 -> {
                return -1; // Ctrl-D
              }
              default -> throw new IOException("read past the end of input");
            }
          }
        };
    assertThat(new String(Utf16.toUtf8(typed).readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("npm ERR! code 1\n");
  }
}
