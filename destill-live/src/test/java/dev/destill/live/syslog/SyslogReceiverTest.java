package dev.destill.live.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.live.CollectingStatsSink;
import dev.destill.live.LiveSettings;
import dev.destill.live.sources.LiveSources;
import dev.destill.live.window.WindowPolicy;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** util-linux's logger, both RFCs over UDP and TCP; a Java TLS client; a UDP flood. */
class SyslogReceiverTest {
  private final Clock clock = Clock.systemUTC();
  private final CollectingStatsSink stats = new CollectingStatsSink();
  private final InMemoryFindingStore store = new InMemoryFindingStore(clock);

  private LiveSources start(LiveSources.Config c) {
    return LiveSources.start(c, store, stats, clock);
  }

  private static LiveSources.Config ports(int udp, int tcp, int tls) {
    return LiveSources.Config.httpOnly("127.0.0.1", Optional.empty()).withPorts(-1, udp, tcp, tls);
  }

  private static void logger(String... args) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/logger")), "util-linux logger is not installed");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/logger"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
  }

  private void awaitLines(long n) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(stats.lines()).isEqualTo(n));
  }

  @Test
  void shouldTakeBothRfcsOverUdpAndTcpFromLogger() throws Exception {
    try (LiveSources live = start(ports(0, 0, -1))) {
      SyslogReceiver r = live.syslog().orElseThrow();
      String udp = String.valueOf(r.udpPort());
      String tcp = String.valueOf(r.tcpPort());
      logger(
          "--rfc5424",
          "-n",
          "127.0.0.1",
          "-P",
          udp,
          "-d",
          "-t",
          "api",
          "-p",
          "user.err",
          "connection refused");
      logger(
          "--rfc3164",
          "-n",
          "127.0.0.1",
          "-P",
          udp,
          "-d",
          "-t",
          "cron",
          "-p",
          "daemon.info",
          "job ran");
      logger(
          "--rfc5424",
          "-n",
          "127.0.0.1",
          "-P",
          tcp,
          "-T",
          "--octet-count",
          "-t",
          "api",
          "-p",
          "user.warning",
          "slow");
      logger(
          "--rfc3164",
          "-n",
          "127.0.0.1",
          "-P",
          tcp,
          "-T",
          "-t",
          "worker",
          "-p",
          "local0.crit",
          "crashed");
      // Wait before stopping: stop closes TCP connections whose last bytes may not be read yet.
      awaitLines(4);
      live.stop(Duration.ofSeconds(5));
      assertThat(stats.counts())
          .extracting(LineCount::stream, LineCount::level)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("api", Level.ERROR),
              org.assertj.core.groups.Tuple.tuple("cron", Level.INFO),
              org.assertj.core.groups.Tuple.tuple("api", Level.WARN),
              org.assertj.core.groups.Tuple.tuple("worker", Level.FATAL));
      // logger names this host; every message is streamed by it.
      assertThat(stats.counts())
          .extracting(LineCount::source)
          .containsOnly(stats.counts().get(0).source());
      assertThat(r.counters().malformed()).isZero();
      // The error and the critical message each opened a window: two analyses.
      assertThat(store.recentRequests(10)).hasSize(2);
    }
  }

  @Test
  void shouldTakeOctetCountedFramesOverTls(@TempDir Path dir) throws Exception {
    Path ks = dir.resolve("server.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "destill",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    try (LiveSources live = start(ports(-1, -1, 0).withKeystore(ks, "changeit"))) {
      KeyStore trust = KeyStore.getInstance(ks.toFile(), "changeit".toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      try (SSLSocket s =
          (SSLSocket)
              ctx.getSocketFactory()
                  .createSocket("127.0.0.1", live.syslog().orElseThrow().tlsPort())) {
        OutputStream out = s.getOutputStream();
        for (String m :
            List.of(
                "<11>1 2026-12-02T08:00:00Z build-7 gradle 311 - - FAILURE: Build failed with an exception.",
                "<14>1 2026-12-02T08:00:01Z build-7 gradle 311 - - BUILD FAILED in 3s")) {
          byte[] b = m.getBytes(StandardCharsets.UTF_8);
          out.write((b.length + " ").getBytes(StandardCharsets.US_ASCII));
          out.write(b);
        }
        out.flush();
      }
      awaitLines(2);
      assertThat(stats.counts()).extracting(LineCount::source).containsOnly("build-7");
      assertThat(stats.counts()).extracting(LineCount::stream).containsOnly("gradle");
    }
  }

  @Test
  void shouldDropAndCountAUdpFloodAndGoOnServing() throws Exception {
    LiveSources.Config c = ports(0, -1, -1);
    // A small queue and one worker: the flood outruns them.
    LiveSettings small =
        LiveSettings.defaults()
            .withWorkers(1)
            .withQueue(1_000)
            .withWindows(WindowPolicy.defaults());
    try (LiveSources live =
        start(c.withLimits(c.maxRequestBytes(), c.maxRecordsPerRequest(), small))) {
      SyslogReceiver r = live.syslog().orElseThrow();
      int sent = 200_000;
      try (DatagramSocket s = new DatagramSocket()) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < sent; i++) {
          byte[] b =
              ("<14>1 - flood app - - - message " + i + " with some text")
                  .getBytes(StandardCharsets.UTF_8);
          s.send(new DatagramPacket(b, b.length, lo, r.udpPort()));
        }
        byte[] bad = "not syslog".getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(bad, bad.length, lo, r.udpPort()));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> live.ingest().queued() == 0);
      SyslogReceiver.Counters n = r.counters();
      // What the kernel did not deliver never reached the receiver; what did is taken or counted.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          live.ingest().counters().processed()
                              + r.counters().dropped()
                              + r.counters().malformed())
                      .isEqualTo(r.counters().received()));
      assertThat(n.received()).isPositive().isLessThanOrEqualTo(sent + 1);

      try (DatagramSocket s = new DatagramSocket()) {
        byte[] b = "<11>1 - after app - - - still here".getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), r.udpPort()));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(live.ingest().counters().processed())
                      .isEqualTo(
                          r.counters().received()
                              - r.counters().dropped()
                              - r.counters().malformed()));
      assertThat(r.counters().malformed()).isEqualTo(1);
    }
  }
}
