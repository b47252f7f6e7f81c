package dev.destill.live.syslog;

import dev.destill.core.DestillException;
import dev.destill.core.stats.Level;
import dev.destill.live.Admission;
import dev.destill.live.LiveIngest;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.Severities;
import dev.destill.live.record.StreamKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog over UDP (one message per datagram), TCP and TLS (RFC 5425), framed as {@link
 * SyslogFramer} reads them, parsed by {@link SyslogParser}, streamed by host and app-name (the
 * sender's address when a message names no host). When the queue is full, UDP messages are dropped
 * and counted (UDP has no way to say "later"), and TCP connections wait (their senders slow down
 * through TCP's flow control). Malformed messages are counted and skipped. Thread-safe.
 */
public final class SyslogReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyslogReceiver.class);

  /** Messages read from the network before they are handed on together. */
  private static final int BATCH = 512;

  /** How long a TCP sender is held while the queue is full before its connection is dropped. */
  private static final Duration TCP_WAIT = Duration.ofSeconds(30);

  /** A TCP connection silent this long is closed. */
  private static final int IDLE_MILLIS = (int) Duration.ofMinutes(10).toMillis();

  /** What the receiver listens on; a port of -1 is off, 0 any free one. */
  public record Ports(String host, int udp, int tcp, int tls, Optional<SSLContext> tlsContext) {
    public Ports {
      if (tls >= 0 && tlsContext.isEmpty()) {
        throw new DestillException.BadInput(
            "syslog over TLS needs a keystore: set DESTILL_SERVER_KEYSTORE and its password");
      }
    }
  }

  /**
   * @param maxMessage the largest message, in bytes (larger ones are cut, or skipped when
   *     octet-counted)
   * @param maxConnections TCP and TLS connections at once; more are closed at once
   */
  public record Limits(int maxMessage, int maxConnections) {}

  /** Counts since start. */
  public record Counters(long received, long malformed, long dropped, long oversized) {}

  private final LiveIngest ingest;
  private final Clock clock;
  private final Limits limits;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong oversized = new AtomicLong();
  private final Semaphore connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;
  private int udpPort = -1;
  private int tcpPort = -1;
  private int tlsPort = -1;
  private volatile long lastWarning;

  private SyslogReceiver(LiveIngest ingest, Clock clock, Limits limits) {
    this.ingest = ingest;
    this.clock = clock;
    this.limits = limits;
    this.connections = new Semaphore(limits.maxConnections());
  }

  /**
   * Binds what {@code ports} asks for and serves.
   *
   * @throws DestillException with one line when a port cannot be bound
   */
  public static SyslogReceiver start(LiveIngest ingest, Clock clock, Ports ports, Limits limits) {
    SyslogReceiver r = new SyslogReceiver(ingest, clock, limits);
    try {
      if (ports.udp() >= 0) {
        r.startUdp(ports.host(), ports.udp());
      }
      if (ports.tcp() >= 0) {
        ServerSocket s = new ServerSocket();
        r.tcpPort = r.listen(s, ports.host(), ports.tcp(), "tcp");
      }
      if (ports.tls() >= 0) {
        SSLServerSocket s =
            (SSLServerSocket)
                ports.tlsContext().orElseThrow().getServerSocketFactory().createServerSocket();
        r.tlsPort = r.listen(s, ports.host(), ports.tls(), "tls");
      }
    } catch (IOException e) {
      r.close();
      throw new DestillException(
          "cannot listen for syslog on "
              + ports.host()
              + ": "
              + e.getMessage()
              + " (set --syslog-udp-port, --syslog-tcp-port or --syslog-tls-port to a free port,"
              + " or -1 to turn it off)",
          e);
    }
    return r;
  }

  public int udpPort() {
    return udpPort;
  }

  public int tcpPort() {
    return tcpPort;
  }

  public int tlsPort() {
    return tlsPort;
  }

  public Counters counters() {
    return new Counters(received.get(), malformed.get(), dropped.get(), oversized.get());
  }

  private void startUdp(String host, int port) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    closeables.add(ch);
    // A large receive buffer rides out short bursts while a batch is handed on.
    ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
    ch.bind(new InetSocketAddress(host, port));
    ch.configureBlocking(false);
    Selector selector = Selector.open();
    closeables.add(selector);
    ch.register(selector, SelectionKey.OP_READ);
    udpPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();
    Thread t =
        Thread.ofPlatform().name("destill-syslog-udp").daemon().start(() -> udpLoop(ch, selector));
    threads.add(t);
  }

  private void udpLoop(DatagramChannel ch, Selector selector) {
    ByteBuffer buf = ByteBuffer.allocate(65_536);
    List<LiveRecord> batch = new ArrayList<>(BATCH);
    while (!closed) {
      try {
        selector.select(200);
        selector.selectedKeys().clear();
        SocketAddress from;
        while ((from = ch.receive(buf.clear())) != null) {
          buf.flip();
          int n = Math.min(buf.remaining(), limits.maxMessage());
          if (buf.remaining() > limits.maxMessage()) {
            oversized.incrementAndGet();
          }
          record(buf.array(), 0, n, from).ifPresent(batch::add);
          if (batch.size() >= BATCH) {
            handUdp(batch);
          }
        }
        handUdp(batch);
      } catch (java.nio.channels.ClosedSelectorException
          | java.nio.channels.ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("syslog over UDP: {}", e.getMessage());
        }
      }
    }
  }

  private void handUdp(List<LiveRecord> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Admission a = ingest.offer(List.copyOf(batch));
    if (!(a instanceof Admission.Accepted)) {
      dropped.addAndGet(batch.size());
      warnEvery("syslog over UDP: the live log queue is full; messages are dropped and counted");
    }
    batch.clear();
  }

  private int listen(ServerSocket s, String host, int port, String kind) throws IOException {
    closeables.add(s);
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(host, port), 128);
    Thread t =
        Thread.ofPlatform()
            .name("destill-syslog-" + kind)
            .daemon()
            .start(() -> acceptLoop(s, kind));
    threads.add(t);
    return s.getLocalPort();
  }

  private void acceptLoop(ServerSocket s, String kind) {
    while (!closed) {
      Socket c;
      try {
        c = s.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("syslog over {}: {}", kind, e.getMessage());
        }
        continue;
      }
      if (!connections.tryAcquire()) {
        warnEvery("syslog: more than " + limits.maxConnections() + " connections; one closed");
        closeQuietly(c);
        continue;
      }
      open.add(c);
      Thread.ofVirtual()
          .name("destill-syslog-" + kind + "-conn")
          .start(
              () -> {
                try {
                  connection(c, kind);
                } finally {
                  open.remove(c);
                  closeQuietly(c);
                  connections.release();
                }
              });
    }
  }

  private void connection(Socket c, String kind) {
    SyslogFramer framer = new SyslogFramer(limits.maxMessage());
    SocketAddress from = c.getRemoteSocketAddress();
    byte[] buf = new byte[65_536];
    List<LiveRecord> batch = new ArrayList<>(BATCH);
    long cutBefore = 0;
    try {
      c.setSoTimeout(IDLE_MILLIS);
      InputStream in = c.getInputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (byte[] frame : framer.feed(buf, 0, n)) {
          record(frame, 0, frame.length, from).ifPresent(batch::add);
        }
        oversized.addAndGet(framer.oversized() - cutBefore);
        cutBefore = framer.oversized();
        // Hand on what this read brought; a sender that stops gets its messages in at once.
        if (!handTcp(batch)) {
          return;
        }
      }
      for (byte[] frame : framer.end()) {
        record(frame, 0, frame.length, from).ifPresent(batch::add);
      }
      handTcp(batch);
    } catch (java.net.SocketTimeoutException e) {
      LOG.debug("syslog over {}: {} idle, closed", kind, from);
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("syslog over {} from {}: {}", kind, from, e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** False when the queue stayed full for {@link #TCP_WAIT}: the connection is then closed. */
  private boolean handTcp(List<LiveRecord> batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return true;
    }
    Admission a = ingest.offer(List.copyOf(batch), TCP_WAIT);
    if (!(a instanceof Admission.Accepted)) {
      dropped.addAndGet(batch.size());
      warnEvery("syslog over TCP: the live log queue stayed full; a connection was closed");
      batch.clear();
      return false;
    }
    batch.clear();
    return true;
  }

  private Optional<LiveRecord> record(byte[] buf, int off, int len, SocketAddress from) {
    received.incrementAndGet();
    SyslogMessage m;
    try {
      m = SyslogParser.parse(buf, off, len);
    } catch (SyslogParser.Malformed e) {
      malformed.incrementAndGet();
      LOG.debug("malformed syslog message from {}: {}", from, e.getMessage());
      return Optional.empty();
    }
    String host = m.host().isEmpty() ? address(from) : m.host();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("syslog.format", m.format().name().toLowerCase(java.util.Locale.ROOT));
    attributes.put("syslog.facility", Integer.toString(m.facility()));
    attributes.put("syslog.severity", Integer.toString(m.severity()));
    if (!m.procId().isEmpty()) {
      attributes.put("syslog.procid", m.procId());
    }
    if (!m.msgId().isEmpty()) {
      attributes.put("syslog.msgid", m.msgId());
    }
    if (!m.structuredData().isEmpty()) {
      attributes.put("syslog.structured_data", m.structuredData());
    }
    Level level = Severities.syslog(m.severity());
    return Optional.of(
        new LiveRecord(
            m.time().orElseGet(clock::instant),
            StreamKey.ofSyslog(host, m.app()),
            level,
            m.message(),
            attributes,
            "",
            ""));
  }

  private static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      InetAddress addr = i.getAddress();
      return addr == null ? i.getHostString() : addr.getHostAddress();
    }
    return String.valueOf(a);
  }

  private void warnEvery(String message) {
    long now = System.nanoTime();
    // One line every 10 s at most: a flood must not flood the log too.
    if (now - lastWarning > 10_000_000_000L) {
      lastWarning = now;
      LOG.warn("{} (dropped so far: {})", message, dropped.get());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Closing what is already broken.
    }
  }

  @Override
  public void close() {
    closed = true;
    for (AutoCloseable c : closeables) {
      closeQuietly(c);
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
