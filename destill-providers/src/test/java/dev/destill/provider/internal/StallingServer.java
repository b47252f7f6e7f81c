package dev.destill.provider.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server on 127.0.0.1 that answers every request with headers and the first bytes of a longer
 * body, then sends nothing more until it is closed: a stalled download. Thread-safe.
 */
final class StallingServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> clients = new CopyOnWriteArrayList<>();

  private final String start;

  StallingServer() {
    this("first line\n");
  }

  /**
   * @param start the body's first bytes, sent before the stall
   */
  StallingServer(String start) {
    this.start = start;
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(this::serve, "stalling-server");
    t.setDaemon(true);
    t.start();
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        clients.add(client);
        InputStream in = client.getInputStream();
        // The request ends with an empty line; a GET has no body.
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        OutputStream out = client.getOutputStream();
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
                    + start)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket c : clients) {
      c.close();
    }
  }
}
