package dev.destill.live.otlp;

import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.live.CollectingStatsSink;
import dev.destill.live.sources.LiveSources;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded OTLP/gRPC ingest benchmark (not a test): {@code SECONDS} of batches of 1,000 records
 * from 4 client threads; prints records/s sent and processed, and whether any was lost.
 */
public final class IngestBench {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Clock clock = Clock.systemUTC();
    CollectingStatsSink stats = new CollectingStatsSink();
    LiveSources live =
        LiveSources.start(
            LiveSources.Config.httpOnly("127.0.0.1", Optional.empty()).withPorts(0, -1, -1, -1),
            new InMemoryFindingStore(clock),
            stats,
            clock);
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", live.otlpGrpcPort().orElseThrow())
            .usePlaintext()
            .build();
    var req = OtlpHostileInputTest.request(1_000, "GET /orders/42 200 in 4 ms user=17");
    AtomicLong sent = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    Thread[] ts = new Thread[4];
    for (int i = 0; i < ts.length; i++) {
      ts[i] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    var stub = LogsServiceGrpc.newBlockingStub(ch);
                    while (System.nanoTime() < end) {
                      try {
                        stub.export(req);
                        sent.addAndGet(1_000);
                      } catch (io.grpc.StatusRuntimeException e) {
                        Thread.onSpinWait();
                      }
                    }
                  });
    }
    long start = System.nanoTime();
    for (Thread t : ts) {
      t.join();
    }
    live.stop(Duration.ofSeconds(30));
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "OTLP/gRPC: %d records in %.1f s = %.0f records/s accepted; processed %d, counted %d,"
            + " lost %d%n",
        sent.get(),
        secs,
        sent.get() / secs,
        live.ingest().counters().processed(),
        stats.lines(),
        sent.get() - stats.lines());
    ch.shutdownNow();
  }
}
