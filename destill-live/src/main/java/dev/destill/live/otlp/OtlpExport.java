package dev.destill.live.otlp;

import dev.destill.live.Admission;
import dev.destill.live.LiveIngest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * One OTLP logs export, whichever transport brought it: the answer OTLP specifies for it, for the
 * gRPC and HTTP receivers to send. Thread-safe.
 */
public final class OtlpExport {
  private final LiveIngest ingest;
  private final Clock clock;
  private final int maxRecords;

  /**
   * @param maxRecords the most log records of one request; a larger one is refused whole
   */
  public OtlpExport(LiveIngest ingest, Clock clock, int maxRecords) {
    this.ingest = ingest;
    this.clock = clock;
    this.maxRecords = maxRecords;
  }

  /** How an export was answered. */
  public sealed interface Outcome {
    /** Taken; the response carries a partial success when some records were rejected. */
    record Done(ExportLogsServiceResponse response, long accepted) implements Outcome {}

    /** Not taken, for good: the client must not retry it as it is. */
    record Invalid(String reason) implements Outcome {}

    /** Not taken now: the client retries after {@code retryAfter}. */
    record Retry(String reason, Duration retryAfter) implements Outcome {}
  }

  public Outcome export(ExportLogsServiceRequest request) {
    int n = OtlpRecords.count(request);
    if (n > maxRecords) {
      return new Outcome.Invalid(
          "the request has " + n + " log records; at most " + maxRecords + " are taken at once");
    }
    OtlpRecords.Decoded d = OtlpRecords.decode(request, clock.instant());
    Admission a = ingest.offer(d.records());
    return switch (a) {
      case Admission.Accepted ok -> {
        ExportLogsServiceResponse.Builder r = ExportLogsServiceResponse.newBuilder();
        if (d.rejected() > 0) {
          r.setPartialSuccess(
              ExportLogsPartialSuccess.newBuilder()
                  .setRejectedLogRecords(d.rejected())
                  .setErrorMessage(d.reason()));
        }
        yield new Outcome.Done(r.build(), ok.records());
      }
      case Admission.Full f ->
          new Outcome.Retry("the live log queue is full; retry later", f.retryAfter());
      case Admission.Stopping s ->
          new Outcome.Retry("the server is shutting down", Duration.ofSeconds(5));
    };
  }
}
