package dev.destill.app.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Stands between the process's stdio and the MCP SDK's stdio transport. Lines that are JSON-RPC
 * messages go on to the SDK; any other line is answered here, as JSON-RPC 2.0 says (-32700 for text
 * that is not JSON, -32600 for JSON that is not a message), and the server keeps serving: the SDK's
 * reader would otherwise die on it and leave the client unanswered. The end of stdin is told to
 * {@link #awaitEnd()}, so that the server exits when its client goes away. Lines written by the SDK
 * and by this guard never interleave. Thread-safe.
 */
final class StdioGuard {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] END = new byte[0];

  private final InputStream in;
  private final OutputStream out;
  private final LinkedBlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  StdioGuard(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /** Starts reading stdin, on a daemon thread. */
  void start() {
    Thread t = new Thread(this::pump, "destill-mcp-stdin");
    t.setDaemon(true);
    t.start();
  }

  /** Waits until stdin ended (the client closed it or went away). */
  void awaitEnd() throws InterruptedException {
    ended.await();
  }

  /** What the SDK reads: the JSON-RPC lines of stdin, then its end. */
  InputStream sdkInput() {
    return new Feed();
  }

  /** Where the SDK writes: stdout, a whole line at a time. */
  OutputStream sdkOutput() {
    return new LineOutput();
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String error = check(line);
        if (error == null) {
          lines.add((line + "\n").getBytes(StandardCharsets.UTF_8));
        } else {
          writeLine(error);
        }
      }
    } catch (IOException e) {
      // A broken stdin is the client gone, as its end is.
    } finally {
      lines.add(END);
      ended.countDown();
    }
  }

  /** Null for a JSON-RPC message the SDK can take; else the error response to send. */
  static String check(String line) {
    JsonNode message;
    try {
      message = JSON.readTree(line);
    } catch (IOException e) {
      return error(null, -32700, "Parse error: the line is not JSON");
    }
    if (message instanceof ObjectNode o
        && o.path("jsonrpc").asText("").equals("2.0")
        && (o.has("method") || o.has("result") || o.has("error"))) {
      return null;
    }
    JsonNode id = message instanceof ObjectNode o ? o.get("id") : null;
    boolean validId = id != null && (id.isTextual() || id.isIntegralNumber());
    return error(
        validId ? id : null, -32600, "Invalid Request: expected a JSON-RPC 2.0 message object");
  }

  private static String error(JsonNode id, int code, String text) {
    ObjectNode response = JSON.createObjectNode();
    response.put("jsonrpc", "2.0");
    if (id == null) {
      response.putNull("id");
    } else {
      response.set("id", id);
    }
    response.putObject("error").put("code", code).put("message", text);
    return response.toString();
  }

  private void writeLine(String line) {
    write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private void write(byte[] line) {
    synchronized (out) {
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        // stdout is gone with the client; the end of stdin follows.
      }
    }
  }

  private final class Feed extends InputStream {
    private byte[] current = new byte[0];
    private int pos;
    private boolean done;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos == current.length) {
        if (done) {
          return -1;
        }
        try {
          current = lines.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while reading stdin");
        }
        pos = 0;
        if (current == END) {
          done = true;
          lines.add(END); // for any later reader
        }
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private final class LineOutput extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      pending.write(b);
      if (b == '\n') {
        drain();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          pending.write(b, start, i + 1 - start);
          drain();
          start = i + 1;
        }
      }
      pending.write(b, start, off + len - start);
    }

    private void drain() {
      StdioGuard.this.write(pending.toByteArray());
      pending.reset();
    }

    @Override
    public synchronized void flush() {
      // Whole lines only: a part line waits for its end.
    }
  }
}
