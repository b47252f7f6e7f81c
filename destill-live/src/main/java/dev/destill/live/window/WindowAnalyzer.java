package dev.destill.live.window;

import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.Rules;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.Triage;
import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.StoreBatch;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Analyzes a window with the engine, as one log of one failed job, and says how it is stored: a
 * request whose target is {@code live:SOURCE/STREAM}, whose build is the window (so each window
 * counts once among the builds a fingerprint occurred in), and whose project is the stream (so
 * recurrence folds repeats of one stream). Pure; thread-safe.
 */
public final class WindowAnalyzer {
  /** The scheme of the targets of live analyses. */
  public static final String SCHEME = "live:";

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Rules rules;

  public WindowAnalyzer(Rules rules) {
    this.rules = rules;
  }

  public static WindowAnalyzer standard() {
    return new WindowAnalyzer(Rules.standard());
  }

  /**
   * Analyzes {@code w}; {@code serial} makes the request id unique within this process (the id is
   * {@code req-<window start>-<serial as 6 hex digits>}, as the history resolves ids).
   */
  public WindowAnalysis analyze(Window w, long serial) {
    String requestId =
        "req-" + ID_TIME.format(w.start()) + "-" + String.format("%06x", serial & 0xffffff);
    String target = SCHEME + w.stream().display();
    String jobId = w.stream().display();
    JobInfo job = new JobInfo(jobId, jobId, JobState.FAILED, OptionalInt.empty());
    ScanOptions options = ScanOptions.defaults();
    LogScanner scanner = new LogScanner(job, options, new LogScanner.LineCache(), rules);
    long bytes = 0;
    for (String line : w.lines()) {
      byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
      bytes += b.length;
      scanner.accept(b, 0, b.length);
    }
    JobScan scan = scanner.finish();
    List<Finding> ranked = Triage.rank(List.of(scan), List.of());
    String buildId = target + "@" + w.firstLine() + "-" + w.start().toEpochMilli();
    String title =
        w.stream().display()
            + ": "
            + w.triggers()
            + (w.triggers() == 1 ? " error" : " errors")
            + " in "
            + w.lines().size()
            + " lines from line "
            + w.firstLine();
    List<RequestEvent> events = new ArrayList<>();
    events.add(new RequestEvent.Submitted(requestId, target, w.start()));
    events.add(new RequestEvent.Resolved(requestId, buildId, title, target));
    events.add(
        new RequestEvent.JobIngested(requestId, new JobRecord(job, 1, w.lines().size(), bytes)));
    events.add(new RequestEvent.Ingested(requestId, 1, List.of()));
    List<StoreBatch.RequestFinding> findings = new ArrayList<>();
    for (Finding f : ranked) {
      findings.add(new StoreBatch.RequestFinding(requestId, f));
    }
    events.add(
        new RequestEvent.ChunkAnalyzed(
            requestId,
            new ChunkRecord(
                jobId,
                0,
                options.firstLine(),
                options.firstLine() + w.lines().size() - 1,
                scan.stepLine().isPresent()
                    ? OptionalLong.of(scan.stepLine().getAsLong())
                    : OptionalLong.empty(),
                scan.exitStep().isPresent() ? scan.exitStep() : Optional.empty()),
            List.of()));
    return new WindowAnalysis(requestId, w, ranked, new StoreBatch(findings, events));
  }
}
