package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Compares the lines of one log (or one chunk of it, as {@link LogScanner} reads it) with a
 * baseline's {@link LineTemplates}: counts the lines it owns that are known and new, marks findings
 * {@link Novelty#NEW} or {@link Novelty#KNOWN}, and turns runs of new lines into candidate
 * findings, since a diff or a checker's prose holds no error word for the rules to find. Not
 * thread-safe: one per log or chunk.
 */
public final class NoveltyScan {
  /** The signal of a candidate made of a run of new lines. */
  public static final String NEW_LINES = "new-lines";

  /** The most runs one chunk keeps: the last ones, nearest its end. */
  static final int MAX_RUNS = 32;

  /** Lines of a finding whose novelty decides its own, as the eval counts them. */
  static final int FINDING_LINES = 10;

  /**
   * Lines of a log compared with a baseline.
   *
   * @param known lines whose template the baseline has
   * @param near lines whose skeleton only the baseline has (counted as known when the policy says)
   * @param fresh lines the baseline has nothing like
   */
  public record Counts(long known, long near, long fresh) {
    public static final Counts NONE = new Counts(0, 0, 0);

    public Counts plus(Counts o) {
      return new Counts(known + o.known, near + o.near, fresh + o.fresh);
    }
  }

  /**
   * What a scan found.
   *
   * @param counts lines of the owned range by their match
   * @param runs candidates made of runs of new lines starting in the owned range, last {@link
   *     #MAX_RUNS}
   */
  public record Result(Counts counts, List<Finding> runs) {
    public Result {
      runs = List.copyOf(runs);
    }
  }

  private final JobInfo job;
  private final LineTemplates templates;
  private final ScanOptions options;
  private final ScoringPolicy.Baseline policy;
  private final LineSplitter splitter = new LineSplitter(this::endLine);
  private final BitSet fresh = new BitSet();
  private final BitSet blank = new BitSet();
  private final Secrets.KeyBlocks keys = new Secrets.KeyBlocks();
  private final ByteTemplate bytes = new ByteTemplate();
  private final LogScanner.LineCache cache;
  private final ArrayDeque<Run> runs = new ArrayDeque<>();

  /** A run of new lines kept, its lines not masked yet. */
  private record Run(long first, long last, List<String> lines) {}

  private long line;
  private long known;
  private long near;
  private long freshCount;
  private boolean finished;
  // The open run of new lines: where it starts, what it shows, how many of its lines have text.
  private long runStart = -1;
  private long runEnd;
  private int runTextLines;
  private final List<String> runLines = new ArrayList<>();

  public NoveltyScan(
      JobInfo job, LineTemplates templates, ScanOptions options, ScoringPolicy.Baseline policy) {
    this(job, templates, options, policy, new LogScanner.LineCache());
  }

  /**
   * A scan that memoizes matches in {@code cache}, shared by the scans of one thread: lines repeat
   * from chunk to chunk.
   */
  public NoveltyScan(
      JobInfo job,
      LineTemplates templates,
      ScanOptions options,
      ScoringPolicy.Baseline policy,
      LogScanner.LineCache cache) {
    this.cache = cache;
    this.job = job;
    this.templates = templates;
    this.options = options;
    this.policy = policy;
    this.line = options.firstLine();
  }

  /** Feeds the next bytes of the log. */
  public void accept(byte[] data, int off, int n) {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    splitter.accept(data, off, n);
  }

  private void endLine(byte[] src, int off, int n, long lineTotal) {
    // Most lines are templated on their bytes; the text is made only for lines that need it (a
    // line outside ASCII, a key block, a line a run of new lines shows).
    String visible = null;
    LineTemplates.Match m = null;
    long key = keys.inside() ? 0 : ByteTemplate.key(src, off, n, lineTotal);
    if (key != 0) {
      // A memoized line has no key block marker: it leaves the key blocks as they are.
      m = cache.memoized(templates, key, src, off, n);
    }
    if (m == null) {
      if (bytes.template(src, off, n, lineTotal) && !keys.inside() && !bytes.mayMarkKey()) {
        m = templates.match(bytes);
        if (key != 0) {
          cache.memoize(templates, key, bytes, src, off, n, m);
        }
      } else {
        visible = LineCleaner.visible(src, off, n, lineTotal);
        m = keys.body(visible) ? LineTemplates.Match.KNOWN : templates.match(visible);
      }
    }
    int at = (int) (line - options.firstLine());
    boolean own = line >= options.ownFrom() && line <= options.ownTo();
    switch (m) {
      case BLANK -> blank.set(at);
      case KNOWN -> known += own ? 1 : 0;
      case NEAR -> near += own ? 1 : 0;
      case NEW -> freshCount += own ? 1 : 0;
    }
    boolean isNew =
        m == LineTemplates.Match.NEW || (m == LineTemplates.Match.NEAR && !policy.nearIsKnown());
    if (isNew) {
      fresh.set(at);
      if (runStart < 0) {
        if (own) {
          runStart = line;
        }
      }
      if (runStart >= 0) {
        runEnd = line;
        runTextLines++;
        if (runLines.size() < policy.newLinesMaxLines()) {
          // Blank lines inside the run, then this one.
          while (runLines.size() < line - runStart && runLines.size() < policy.newLinesMaxLines()) {
            runLines.add("");
          }
          if (runLines.size() < policy.newLinesMaxLines()) {
            if (visible == null) {
              visible = LineCleaner.visible(src, off, n, lineTotal);
            }
            // Masked when the run is kept: most runs are too short or fall out of the last ones.
            runLines.add(LineCleaner.stripPrefix(visible));
          }
        }
      }
    } else if (m != LineTemplates.Match.BLANK) {
      closeRun();
    }
    line++;
  }

  private void closeRun() {
    if (runStart >= 0 && runTextLines >= policy.newLinesMinLines()) {
      long shownEnd = runStart + runLines.size() - 1;
      runs.addLast(new Run(runStart, Math.min(shownEnd, runEnd), List.copyOf(runLines)));
      if (runs.size() > MAX_RUNS) {
        runs.removeFirst();
      }
    }
    runStart = -1;
    runTextLines = 0;
    runLines.clear();
  }

  private Finding candidate(long first, long last, List<String> lines) {
    return candidate(
        Hashing.sha256Hex(job.id() + ":" + first + ":new-lines").substring(0, 16),
        job.name(),
        policy.newLinesConfidence(),
        first,
        lines.subList(0, (int) (last - first + 1)));
  }

  /** The same candidate showing only its first {@code lines}. */
  static Finding candidate(Finding run, List<String> lines) {
    return candidate(run.id(), run.job(), run.confidence(), run.line(), lines).withStep(run.step());
  }

  private static Finding candidate(
      String id, String job, double confidence, long first, List<String> shown) {
    String normalized = Normalizer.normalize(String.join(" ", shown));
    String hash = Hashing.sha256Hex(normalized);
    long last = first + shown.size() - 1;
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        confidence,
        2,
        job,
        "",
        first,
        last,
        shown.get(0),
        normalized,
        shown,
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(NEW_LINES, Novelty.NEW.signal()),
        Optional.empty());
  }

  /** Ends the scan; a last line without {@code \n} counts. */
  public Result finish() {
    if (!finished) {
      splitter.finish();
      closeRun();
      finished = true;
    }
    List<Finding> found = new ArrayList<>(runs.size());
    for (Run r : runs) {
      found.add(candidate(r.first(), r.last(), r.lines().stream().map(Secrets::mask).toList()));
    }
    return new Result(new Counts(known, near, freshCount), found);
  }

  /**
   * The novelty of a finding of this log: new when one of its first {@value #FINDING_LINES} lines
   * with text is new, known when all are known; its own when it already has one.
   */
  public Novelty novelty(Finding f) {
    Novelty marked = Novelty.of(f);
    if (marked != Novelty.UNKNOWN || f.source() != FindingSource.LOG) {
      return marked;
    }
    long from = Math.max(f.line(), options.firstLine());
    long to = Math.min(f.endLine(), f.line() + FINDING_LINES - 1);
    int textLines = 0;
    for (long l = from; l <= to && l < line; l++) {
      int at = (int) (l - options.firstLine());
      // A new first line may still be a known one with a word more; asked only of a new line,
      // as the question costs a look-up per word.
      if (fresh.get(at)
          && !(l == f.line()
              && policy.oneWordIsKnown()
              && templates.knownButOneWord(f.message()))) {
        return Novelty.NEW;
      }
      if (!blank.get(at)) {
        textLines++;
      }
    }
    return textLines > 0 ? Novelty.KNOWN : Novelty.UNKNOWN;
  }

  /**
   * The novelty of the lines just before a finding (the output a failing command printed before its
   * exit summary): new when one of them is, known when all with text are.
   */
  Novelty contextNovelty(Finding f, int lines) {
    int textLines = 0;
    for (long l = Math.max(options.firstLine(), f.line() - lines); l < f.line() && l < line; l++) {
      int at = (int) (l - options.firstLine());
      if (fresh.get(at)) {
        return Novelty.NEW;
      }
      if (!blank.get(at)) {
        textLines++;
      }
    }
    return textLines > 0 ? Novelty.KNOWN : Novelty.UNKNOWN;
  }

  /** The findings with their novelty as a signal. */
  public List<Finding> mark(List<Finding> findings) {
    List<Finding> out = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      Novelty n = novelty(f);
      List<String> s = new ArrayList<>(f.signals());
      if (n != Novelty.UNKNOWN && Novelty.of(f) != n) {
        s.add(n.signal());
      }
      // Ranking shows the output before an exit summary when nothing explains the failure; the
      // baseline says whether that output is the usual one.
      if (Role.of(f) == Role.CONSEQUENCE
          && contextNovelty(f, ScoringPolicy.DEFAULT.outputBeforeExitLines()) == Novelty.KNOWN
          && !s.contains(Novelty.CONTEXT_KNOWN)) {
        s.add(Novelty.CONTEXT_KNOWN);
      }
      out.add(s.size() == f.signals().size() ? f : f.withSignals(s));
    }
    return out;
  }

  /** True for a candidate made of a run of new lines. */
  public static boolean isNewLines(Finding f) {
    return f.signals().contains(NEW_LINES);
  }
}
