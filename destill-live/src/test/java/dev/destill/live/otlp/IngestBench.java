package dev.destill.live.otlp;

import dev.destill.live.TestServer;
import dev.destill.live.sources.LiveSources;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded ingest benchmark on loopback (not a test, never run by the build): {@code MODE} is
 * {@code grpc} or {@code http} (OTLP, batches of 1,000 records from 4 client threads) or {@code
 * syslog-udp} (RFC 5424 datagrams from 2 threads), for {@code SECONDS} (default 60). Prints what
 * was sent and accepted per second, what reached the stats sink, and what was lost.
 */
public final class IngestBench {
  private static final int BATCH = 1_000;

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "grpc";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    LiveSources.Config c =
        switch (mode) {
          case "grpc" -> TestServer.config(Optional.empty()).withPorts(0, -1, -1, -1);
          case "http" -> TestServer.config(Optional.empty()).withPorts(-1, -1, -1, -1);
          case "syslog-udp" -> TestServer.config(Optional.empty()).withPorts(-1, 0, -1, -1);
          default -> throw new IllegalArgumentException("MODE is grpc, http or syslog-udp");
        };
    TestServer s = new TestServer(c, Optional.empty());
    AtomicLong sent = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    long start = System.nanoTime();
    switch (mode) {
      case "grpc" -> grpc(s, end, sent, refused);
      case "http" -> http(s, end, sent, refused);
      default -> udp(s, end, sent);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    s.server.close();
    s.live.stop(Duration.ofSeconds(60));
    long counted = s.stats.lines();
    System.out.printf(
        "%s: %d records sent in %.1f s = %.0f records/s accepted (%d batches refused and"
            + " retried); processed %d, counted in stats %d, lost %d (%.3f%%)%n",
        mode,
        sent.get(),
        secs,
        sent.get() / secs,
        refused.get(),
        s.live.ingest().counters().processed(),
        counted,
        sent.get() - counted,
        100.0 * (sent.get() - counted) / Math.max(1, sent.get()));
    s.live.syslog().ifPresent(r -> System.out.println("syslog counters: " + r.counters()));
  }

  private static void grpc(TestServer s, long end, AtomicLong sent, AtomicLong refused)
      throws InterruptedException {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", s.live.otlpGrpcPort().orElseThrow())
            .usePlaintext()
            .build();
    var req = OtlpHostileInputTest.request(BATCH, "GET /orders/42 200 in 4 ms user=17");
    run(
        4,
        () -> {
          var stub = LogsServiceGrpc.newBlockingStub(ch);
          while (System.nanoTime() < end) {
            try {
              stub.export(req);
              sent.addAndGet(BATCH);
            } catch (io.grpc.StatusRuntimeException e) {
              refused.incrementAndGet();
              Thread.onSpinWait();
            }
          }
        });
    ch.shutdownNow();
  }

  private static void http(TestServer s, long end, AtomicLong sent, AtomicLong refused)
      throws InterruptedException {
    byte[] body =
        OtlpHostileInputTest.request(BATCH, "GET /orders/42 200 in 4 ms user=17").toByteArray();
    java.net.http.HttpRequest req =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url() + "/v1/logs"))
            .header("Content-Type", "application/x-protobuf")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
      run(
          4,
          () -> {
            while (System.nanoTime() < end) {
              try {
                int status =
                    client
                        .send(req, java.net.http.HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status == 200) {
                  sent.addAndGet(BATCH);
                } else {
                  refused.incrementAndGet();
                }
              } catch (java.io.IOException e) {
                refused.incrementAndGet();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
            }
          });
    }
  }

  private static void udp(TestServer s, long end, AtomicLong sent) throws InterruptedException {
    java.net.InetSocketAddress to =
        new java.net.InetSocketAddress("127.0.0.1", s.live.syslog().orElseThrow().udpPort());
    run(
        2,
        () -> {
          try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open()) {
            ch.connect(to);
            byte[] msg =
                ("<14>1 2026-12-02T12:00:00Z web-1 nginx 812 - - GET /orders/42 200 in 4 ms")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(msg);
            while (System.nanoTime() < end) {
              b.rewind();
              ch.write(b);
              sent.incrementAndGet();
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static void run(int threads, Runnable r) throws InterruptedException {
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = Thread.ofPlatform().start(r);
    }
    for (Thread t : ts) {
      t.join();
    }
  }
}
