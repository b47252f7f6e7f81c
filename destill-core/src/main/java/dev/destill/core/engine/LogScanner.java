package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads one job log as a stream of bytes and turns it into findings, in one pass and bounded
 * memory: a byte-level prefilter rejects lines that cannot matter before any text is decoded; the
 * few candidate lines go through {@link Rules}; a block grows over the lines that continue it;
 * context comes from a ring buffer of recent lines. Not thread-safe: one scanner per log.
 *
 * <p>Line numbers count {@code \n} only: a {@code \r\n} ends one line and a lone {@code \r} does
 * not start a new one. Lines longer than {@link #MAX_LINE_BYTES} are read to their end but only
 * their start is kept, so numbering stays exact.
 */
public final class LogScanner {
  /** The most bytes of one line that are kept for matching and display (as the chunker keeps). */
  public static final int MAX_LINE_BYTES = 16 * 1024;

  private static final int RING = 32;
  // Context lines are kept shorter than block lines so that many findings stay cheap to hold.
  private static final int CONTEXT_LINE_BYTES = 1024;
  private static final int BLOCK_LINE_BYTES = 2048;

  private final JobInfo job;
  private final ScanOptions options;
  private final Rules rules;
  private final ScoringPolicy policy;
  private final Prefilter prefilter;
  private final LineFilter filter;

  // The rules' keywords, and what marks a private key block, whose body is masked in the stream.
  private static final Prefilter SCAN_PREFILTER = scanPrefilter(Rules.standard());
  private static final LineFilter SCAN_FILTER = scanFilter(Rules.standard());

  private static List<String> scanWords(Rules rules) {
    return java.util.stream.Stream.concat(
            rules.catalogue().prefilter().stream(), java.util.stream.Stream.of("private key"))
        .toList();
  }

  /**
   * The words the built-in scanner looks for before it decodes a line: the rules' keywords, what
   * marks a private key, and what step markers contain.
   */
  public static List<String> filterWords() {
    return java.util.stream.Stream.concat(
            scanWords(Rules.standard()).stream(), LineFilter.STEP_WORDS.stream())
        .toList();
  }

  private static Prefilter scanPrefilter(Rules rules) {
    return new Prefilter(scanWords(rules));
  }

  private static LineFilter scanFilter(Rules rules) {
    return new LineFilter(scanWords(rules), LineFilter.STEP_WORDS);
  }

  // Ring buffer of the last RING lines' leading bytes; slot = line number % RING.
  private final byte[][] ringBytes = new byte[RING][];
  private final int[] ringLen = new int[RING];
  private final long[] ringTotal = new long[RING];
  // Lines of a private key's body: they show as the mask wherever they are shown.
  private final boolean[] ringKey = new boolean[RING];
  private final Secrets.KeyBlocks keys = new Secrets.KeyBlocks();

  private long line; // number of the line being assembled
  private long bytes;
  private boolean pfHit;
  private boolean stepHit;

  private String step = "";
  // The first line that named a step; before it, a chunk's lines are in the step its predecessor
  // ended in.
  private long firstStepLine = Long.MAX_VALUE;
  private Optional<String> exitStep = Optional.empty();
  // The last "--- " step line and the step before it, to undo it when a diff's "+++ " follows.
  private long dashLine = Long.MIN_VALUE;
  private String stepBeforeDash = "";
  private OpenBlock open;
  private final ArrayDeque<PendingFinding> pending = new ArrayDeque<>();
  private static final int MAX_SKETCHES = 100_000;
  private final java.util.Set<Integer> sketches = new java.util.HashSet<>();
  private final RecentSet rejected;
  private final boolean timestampBlind;
  private static final boolean STANDARD_BLIND = blind(Rules.standard());

  private static boolean blind(Rules rules) {
    List<String> words = new ArrayList<>(scanWords(rules));
    words.addAll(LineFilter.STEP_WORDS);
    return timestampBlind(words);
  }

  private final FindingFold fold;
  private boolean finished;

  public LogScanner(JobInfo job, ScanOptions options) {
    this(job, options, new LineCache());
  }

  /**
   * A scanner that remembers, in {@code cache}, the lines the rules turned down, as the scanners of
   * earlier chunks on this thread left them: the rules look at a line alone, so this changes no
   * result, only how often the same line is looked at.
   */
  public LogScanner(JobInfo job, ScanOptions options, LineCache cache) {
    this(job, options, cache, Rules.standard());
  }

  /** A scanner that classifies lines with {@code rules} (built-in plus a user's known causes). */
  public LogScanner(JobInfo job, ScanOptions options, LineCache cache, Rules rules) {
    this.rules = rules;
    this.policy = rules.policy();
    this.prefilter = rules == Rules.standard() ? SCAN_PREFILTER : scanPrefilter(rules);
    this.filter = rules == Rules.standard() ? SCAN_FILTER : scanFilter(rules);
    this.job = job;
    this.options = options;
    this.rejected = cache.rejected;
    this.timestampBlind = rules == Rules.standard() ? STANDARD_BLIND : blind(rules);
    this.fold = new FindingFold(options.maxDistinct());
    this.line = options.firstLine();
    for (int i = 0; i < RING; i++) {
      ringBytes[i] = new byte[256];
    }
  }

  /** Feeds the next bytes of the log. */
  public void accept(byte[] buf, int off, int len) {
    if (finished) {
      throw new IllegalStateException("scanner already finished");
    }
    int end = off + len;
    bytes += len;
    GramGate gate = filter.gate;
    int i = off;
    // Where the next word may start, from the gate run over the whole slice: lines before it hold
    // none and are only counted and kept for context.
    int maybe = gate.first(buf, i, end);
    while (i < end) {
      int nl = ByteTemplate.indexOf(buf, i, end, (byte) '\n');
      if (nl == end) {
        appendToLine(buf, i, end);
        return;
      }
      int slot = (int) (line % RING);
      if (ringTotal[slot] > 0) {
        // The line began in an earlier call: its kept bytes are all in the ring.
        appendToLine(buf, i, nl);
        classify(ringBytes[slot], 0, ringLen[slot], gate.first(ringBytes[slot], 0, ringLen[slot]));
      } else {
        if (maybe >= 0 && maybe < nl) {
          classify(buf, i, Math.min(nl, i + MAX_LINE_BYTES), maybe);
        }
        appendToLine(buf, i, nl);
      }
      endLine();
      i = nl + 1;
      if (maybe >= 0 && maybe < i) {
        maybe = gate.first(buf, i, end);
      }
    }
  }

  /**
   * Finds the words in a line's kept bytes ({@code b[from, to)}, no line end among them) that make
   * it worth decoding, reading from where the gate says the first could start ({@code maybe}, -1
   * for nowhere).
   */
  private void classify(byte[] b, int from, int to, int maybe) {
    if (maybe < 0) {
      return;
    }
    int[] table = filter.table;
    byte[] classOf = filter.byteClass;
    int s = LineFilter.START;
    for (int i = Math.max(from, maybe - filter.gate.back); i < to; i++) {
      s = table[s + classOf[b[i] & 0xff]];
      if (s < 0) {
        s = ~s;
        int kind = filter.kind(s);
        pfHit |= (kind & LineFilter.RULE) != 0;
        stepHit |= (kind & LineFilter.STEP) != 0;
      }
    }
  }

  private void appendToLine(byte[] buf, int from, int to) {
    if (from == to) {
      return;
    }
    int slot = (int) (line % RING);
    int have = ringLen[slot];
    int room = MAX_LINE_BYTES - have;
    int n = Math.min(room, to - from);
    if (n > 0) {
      byte[] dst = ringBytes[slot];
      if (dst.length < have + n) {
        dst =
            java.util.Arrays.copyOf(
                dst, Math.min(MAX_LINE_BYTES, Math.max(have + n, dst.length * 2)));
        ringBytes[slot] = dst;
      }
      System.arraycopy(buf, from, dst, have, n);
      ringLen[slot] = have + n;
    }
    ringTotal[slot] += to - from;
  }

  private void endLine() {
    int slot = (int) (line % RING);
    readCutMark(slot);
    if (pfHit || keys.inside()) {
      // Only lines with "private key" can open or close a block: others pass as body lines.
      ringKey[slot] =
          keys.body(
              pfHit
                  ? new String(
                      ringBytes[slot],
                      0,
                      Math.min(ringLen[slot], 512),
                      java.nio.charset.StandardCharsets.ISO_8859_1)
                  : "");
    }
    processLine(slot);
    if (line == options.ownTo() && firstStepLine <= line) {
      exitStep = Optional.of(step);
    }
    while (!pending.isEmpty() && pending.peek().dueLine <= line) {
      emit(pending.poll(), line);
    }
    line++;
    int next = (int) (line % RING);
    ringLen[next] = 0;
    ringTotal[next] = 0;
    ringKey[next] = false;
    pfHit = false;
    stepHit = false;
  }

  private static final byte[] CUT_MARK =
      LineCleaner.CUT_MARK.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  // A line the chunker cut ends with its full length; the mark itself is not part of the line.
  private void readCutMark(int slot) {
    int n = ringLen[slot];
    byte[] b = ringBytes[slot];
    if (n < CUT_MARK.length + 2 || b[n - 1] != 0x07 || ringTotal[slot] != n) {
      return;
    }
    int at = n - 2;
    while (at >= 0 && b[at] >= '0' && b[at] <= '9' && n - at < 24) {
      at--;
    }
    int start = at + 1 - CUT_MARK.length;
    if (start < 0
        || at == n - 2
        || !java.util.Arrays.equals(b, start, at + 1, CUT_MARK, 0, CUT_MARK.length)) {
      return;
    }
    long total =
        Long.parseLong(
            new String(b, at + 1, n - 2 - at, java.nio.charset.StandardCharsets.US_ASCII));
    ringLen[slot] = start;
    ringTotal[slot] = Math.max(start, total);
  }

  /**
   * A long line whose first keyword comes after what the rules look at: its start, then the text
   * from just before that keyword, so that an error deep in a minified line is still seen.
   */
  private String longLineView(String visible) {
    if (visible.length() <= Rules.MAX_MATCH_CHARS) {
      return visible;
    }
    byte[] bytes = visible.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int end = prefilter.find(0, bytes, 0, bytes.length);
    if (end < 0) {
      return visible;
    }
    int at = new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8).length();
    int from = at - VIEW_BEFORE;
    if (from <= VIEW_HEAD + VIEW_BEFORE) {
      return visible;
    }
    return visible.substring(0, VIEW_HEAD)
        + " [... "
        + (from - VIEW_HEAD)
        + " chars] "
        + visible.substring(from);
  }

  private static final int VIEW_HEAD = 200;
  private static final int VIEW_BEFORE = 200;

  private void processLine(int slot) {
    boolean needText = pfHit || open != null;
    // Only a line holding one of LineFilter.STEP_WORDS can start a step.
    boolean marker = stepHit;
    if (!needText && !marker) {
      return;
    }
    // Most keyword lines are repeats of lines the rules already turned down ("returns_error"
    // test names, config dumps): remember those by a hash of their bytes and skip them.
    long raw = 0;
    if (open == null && !marker) {
      raw = rawHash(slot);
      if (rejected.contains(raw)) {
        return;
      }
    }
    String decoded = decode(slot);
    String visible = pfHit ? longLineView(decoded) : decoded;
    String text = LineCleaner.stripPrefix(visible);
    if (marker
        && updateStep(
            visible, text, startsWith(slot, TRAVIS_TIME_START), travisMarkers(slot, visible))
        && firstStepLine == Long.MAX_VALUE) {
      firstStepLine = line;
    }
    if (!needText) {
      return;
    }
    Optional<Match> match = pfHit ? rules.match(visible, isRed(slot)) : Optional.empty();
    // Secrets are masked when a finding is emitted, not here: most blocks are repeats.
    String masked = ringKey[slot] ? Secrets.MASK : clipText(visible, decoded, slot);

    if (open != null) {
      if (open.lines.size() < options.maxBlockLines()
          && BlockRules.continues(open.headText, text, open.lastText)
          && !(match.isPresent() && startsNewBlock(match.get(), text))) {
        open.add(masked, text, match);
        return;
      }
      closeOpen();
    }
    if (match.isEmpty() && raw != 0) {
      rejected.add(raw);
    }
    if (match.isPresent()) {
      // A repeat of a known failure needs no context: it only adds to the count.
      boolean known = !text.strip().startsWith("Traceback") && sketches.contains(sketch(text));
      open = new OpenBlock(line, match.get(), masked, text, step, known ? List.of() : preContext());
    }
  }

  // Some candidate lines always start their own finding even right after another one.
  private static boolean startsNewBlock(Match m, String text) {
    if (m.kind() == Kind.CONSEQUENCE) {
      return true;
    }
    String t = text.strip();
    return t.startsWith("--- FAIL") || t.startsWith("FAILED ") || t.startsWith("\u25cf ");
  }

  private void closeOpen() {
    OpenBlock b = open;
    open = null;
    if (b.head < options.ownFrom() || b.head > options.ownTo()) {
      return;
    }
    pending.add(new PendingFinding(b, b.head + b.lines.size() - 1 + options.postContext()));
  }

  private List<String> preContext() {
    int want = (int) Math.min(options.preContext(), Math.min(RING - 1, line - options.firstLine()));
    List<String> out = new ArrayList<>(want);
    for (long l = line - want; l < line; l++) {
      out.add(decode((int) (l % RING), CONTEXT_LINE_BYTES));
    }
    return out;
  }

  // A cheap stand-in for the normalized hash of a head line: the text without its digits. Equal
  // sketches almost always mean an equal normalized message.
  private static int sketch(String text) {
    int h = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        h = 31 * h + c;
      }
    }
    return h;
  }

  private String decode(int slot) {
    return decode(slot, MAX_LINE_BYTES);
  }

  /** Decodes at most {@code maxBytes} of a line; a longer line says how much was left out. */
  private String decode(int slot, int maxBytes) {
    if (ringKey[slot]) {
      return Secrets.MASK;
    }
    int n = Math.min(ringLen[slot], maxBytes);
    return LineCleaner.visible(ringBytes[slot], 0, n, ringTotal[slot]);
  }

  // Long lines are shown with how much was left out, never cut silently.
  private String clipText(String visible, String decoded, int slot) {
    if (ringLen[slot] <= BLOCK_LINE_BYTES) {
      return visible;
    }
    if (visible == decoded) {
      return decode(slot, BLOCK_LINE_BYTES);
    }
    // The view of a long line: as much of it as a block line holds.
    if (visible.length() <= BLOCK_LINE_BYTES) {
      return visible;
    }
    String shown = visible.substring(0, BLOCK_LINE_BYTES);
    long left = ringTotal[slot] - ringLen[slot] + (visible.length() - BLOCK_LINE_BYTES);
    return shown + " [... " + left + " more bytes]";
  }

  // A rejected line's bytes past a leading ISO timestamp, with the timestamp's length and the
  // line's: lines that differ only in the timestamp's digits take the same path through decoding
  // and the rules, which strip the timestamp first, so one verdict serves them all (most CI lines
  // carry a timestamp, and without this no two would ever be the same).
  private long rawHash(int slot) {
    byte[] b = ringBytes[slot];
    int n = ringLen[slot];
    int from = timestampBlind ? isoTimestampLength(b, n) : 0;
    long h = 0xcbf29ce484222325L ^ ringTotal[slot] ^ (long) from << 40;
    for (int i = from; i < n; i++) {
      h = (h ^ b[i]) * 0x100000001b3L;
    }
    return h == 0 ? 1 : h;
  }

  /**
   * The length of a strict ISO timestamp at the start of {@code b} ({@code
   * 2024-01-02T03:04:05.1234567Z }, with or without a fraction of up to 9 digits, {@code Z} or a
   * {@code +hh:mm} offset, then a space or the line's end), or 0: what {@link
   * LineCleaner#stripPrefix} strips from such a line, and nothing else.
   */
  static int isoTimestampLength(byte[] b, int n) {
    if (n < 20) {
      return 0;
    }
    for (int k = 0; k < 19; k++) {
      byte c = b[k];
      boolean ok =
          switch (k) {
            case 4, 7 -> c == '-';
            case 10 -> c == 'T';
            case 13, 16 -> c == ':';
            default -> c >= '0' && c <= '9';
          };
      if (!ok) {
        return 0;
      }
    }
    int j = 19;
    if (b[j] == '.') {
      j++;
      // At most 9 digits, as timestampBlind's shapes have.
      while (j < n && j < 29 && b[j] >= '0' && b[j] <= '9') {
        j++;
      }
    }
    if (j < n && b[j] == 'Z') {
      j++;
    } else if (j + 6 <= n
        && (b[j] == '+' || b[j] == '-')
        && isDigit(b[j + 1])
        && isDigit(b[j + 2])
        && b[j + 3] == ':'
        && isDigit(b[j + 4])
        && isDigit(b[j + 5])) {
      j += 6;
    } else {
      return 0;
    }
    if (j == n) {
      return j;
    }
    return b[j] == ' ' ? j + 1 : 0;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Whether none of {@code words} can match over a digit of a leading ISO timestamp: then whether a
   * line holds a word, and where, does not depend on its timestamp's digits, and the rejected
   * lines' memo may leave the timestamp out. Every shape {@link #isoTimestampLength} accepts is
   * tried, with each word at each offset.
   */
  static boolean timestampBlind(List<String> words) {
    List<String> shapes = null;
    for (String w : words) {
      String word = w.toLowerCase(java.util.Locale.ROOT);
      // Only a word with a digit can match over one (and most have none: quick at start-up).
      if (!hasDigit(word)) {
        continue;
      }
      if (shapes == null) {
        shapes = timestampShapes();
      }
      for (String shape : shapes) {
        for (int at = 0; at < shape.length(); at++) {
          boolean fits = true;
          boolean overDigit = false;
          for (int k = 0; k < word.length() && at + k < shape.length() && fits; k++) {
            char t = shape.charAt(at + k);
            char c = word.charAt(k);
            if (t == '0') {
              fits = c >= '0' && c <= '9';
              overDigit = true;
            } else {
              fits = Character.toLowerCase(t) == c;
            }
          }
          if (fits && overDigit) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static boolean hasDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        return true;
      }
    }
    return false;
  }

  // Every shape isoTimestampLength accepts, digits written as 0: no fraction or 0 to 9 digits of
  // one, then Z or an offset, then the space.
  private static List<String> timestampShapes() {
    List<String> shapes = new ArrayList<>();
    for (String zone : List.of("Z", "+00:00")) {
      for (int fraction = -1; fraction <= 9; fraction++) {
        StringBuilder b = new StringBuilder("0000-00-00T00:00:00");
        if (fraction >= 0) {
          b.append('.');
          for (int k = 0; k < fraction; k++) {
            b.append('0');
          }
        }
        shapes.add(b.append(zone).append(' ').toString());
      }
    }
    return shapes;
  }

  private boolean isRed(int slot) {
    byte[] b = ringBytes[slot];
    int n = ringLen[slot];
    for (int i = 0; i + 3 < n; i++) {
      if (b[i] == 0x1b && b[i + 1] == '[') {
        int j = i + 2;
        // Scan the parameter list for 31 or 91 (red / bright red foreground).
        int value = 0;
        boolean digits = false;
        while (j < n && j < i + 24) {
          byte c = b[j];
          if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            digits = true;
          } else {
            if (digits && (value == 31 || value == 91)) {
              return true;
            }
            value = 0;
            digits = false;
            if (c != ';') {
              break;
            }
          }
          j++;
        }
      }
    }
    return false;
  }

  private static final byte[] TRAVIS_TIME_START =
      "travis_time:start".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private boolean startsWith(int slot, byte[] prefix) {
    if (ringLen[slot] < prefix.length) {
      return false;
    }
    byte[] b = ringBytes[slot];
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static final byte[] TRAVIS =
      "travis_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  // Travis markers may sit in a \r segment that the visible text no longer shows.
  private String travisMarkers(int slot, String visible) {
    if (!startsWith(slot, TRAVIS)) {
      return visible;
    }
    String raw =
        new String(ringBytes[slot], 0, ringLen[slot], java.nio.charset.StandardCharsets.UTF_8);
    return LineCleaner.stripAnsi(raw.replace('\r', ' '));
  }

  private boolean updateStep(String visible, String text, boolean travisCommand, String markers) {
    int group = visible.indexOf("##[group]");
    if (group >= 0 && group < 48) {
      step = clip(visible.substring(group + 9).strip());
      return true;
    }
    // Markers like ##[section] are stripped from the text, so they are looked for in the line.
    Optional<String> named = StepMarkers.stepName(text);
    if (named.isEmpty() && visible.startsWith("##")) {
      named = StepMarkers.stepName(visible);
    }
    if (named.isPresent()) {
      step = clip(named.get());
      return true;
    }
    // Travis writes its markers either on their own line (ended by \r) or glued to the next
    // command: "travis_time:end:…travis_fold:end:x travis_time:start:1a2b$ make test".
    int timer = markers.lastIndexOf("travis_time:start:");
    if (timer >= 0) {
      int k = timer + 18;
      while (k < markers.length() && Character.isLetterOrDigit(markers.charAt(k))) {
        k++;
      }
      String command = markers.substring(k).strip();
      if (command.startsWith("$ ")) {
        step = clip(command);
        return true;
      }
    }
    int fold = markers.lastIndexOf("travis_fold:start:");
    if (fold >= 0) {
      int k = fold + 18;
      while (k < markers.length()
          && (Character.isLetterOrDigit(markers.charAt(k))
              || ".-_".indexOf(markers.charAt(k)) >= 0)) {
        k++;
      }
      step = clip(markers.substring(fold + 18, k));
      return true;
    }
    if (travisCommand && text.startsWith("$ ")) {
      step = clip(text.strip());
      return true;
    }
    // "--- expected" then "+++ actual" is a unified diff's header (minitest, diff -u), not two
    // Buildkite groups: the step stays what it was before the "---" line.
    if (text.startsWith("+++ ") && dashLine == line - 1) {
      step = stepBeforeDash;
      if (firstStepLine == dashLine) {
        firstStepLine = Long.MAX_VALUE;
      }
      return false;
    }
    if (text.length() > 4
        && (text.startsWith("--- ") || text.startsWith("+++ ") || text.startsWith("~~~ "))
        && !text.startsWith("--- FAIL")
        && !text.startsWith("--- PASS")
        && !text.startsWith("--- a/")
        && !text.startsWith("+++ b/")) {
      if (text.startsWith("--- ")) {
        stepBeforeDash = step;
        dashLine = line;
      }
      step = clip(text.substring(4).strip());
      return true;
    }
    return false;
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  /** Emits a finding; its post-context is read from the ring, which still holds those lines. */
  private void emit(PendingFinding p, long lastAvailable) {
    OpenBlock b = p.block;
    double confidence = b.score;
    List<String> signals = new ArrayList<>(b.signals);
    if (b.frames >= 2) {
      confidence += policy.stackTraceBonus();
      signals.add("stack-trace");
    }
    if (b.kind == Kind.CONSEQUENCE) {
      signals.add(Role.CONSEQUENCE.signal());
    }
    if (job.state() == JobState.FAILED) {
      confidence += policy.failedJobBonus();
      signals.add("failed-job");
    } else if (job.state() == JobState.PASSED) {
      confidence -= policy.passedJobPenalty();
      signals.add("passed-job");
    }
    confidence = Math.max(0.01, Math.min(policy.maxLogConfidence(), confidence));
    // When the job already holds as many findings as it may, a weaker one is only counted
    // (before hashing it: in error-heavy logs most blocks end here).
    String family = FindingFold.family(b.headText);
    if (b.kind != Kind.CONSEQUENCE && fold.dropsAtOnce(job.name(), family, confidence, b.head)) {
      return;
    }
    // Repeats are recognized on the unmasked text; only a new finding pays for masking.
    String identity = Hashing.sha256Hex(Normalizer.normalize(b.keyText()));
    if (fold.recur(identity)) {
      return;
    }
    if (sketches.size() < MAX_SKETCHES) {
      sketches.add(sketch(b.headText));
    }
    long blockEnd = b.head + b.lines.size() - 1;
    List<String> post = new ArrayList<>(options.postContext());
    for (long l = blockEnd + 1; l <= Math.min(p.dueLine, lastAvailable); l++) {
      post.add(decode((int) (l % RING), CONTEXT_LINE_BYTES));
    }
    // A draft: most distinct findings of a long log are pushed out of the job's cap later, so
    // masking, normalizing and hashing wait for finish(), for the ones kept. The fold reads only
    // the draft's confidence, line, job, source and signals; its normalized field holds the key
    // text until then.
    Finding draft =
        new Finding(
            "",
            "",
            b.severity,
            round(confidence),
            1,
            job.name(),
            b.step,
            b.head,
            blockEnd,
            b.lines.get(0),
            b.keyText(),
            b.lines,
            b.pre,
            post,
            1,
            FindingSource.LOG,
            Optional.empty(),
            signals,
            Optional.empty());
    fold.add(identity, draft, family);
  }

  /** A kept draft as it is shown: masked, with its normalized text, hash and id. */
  private Finding complete(Finding draft) {
    String normalized = Normalizer.normalize(Secrets.mask(draft.normalized()));
    String hash = Hashing.sha256Hex(normalized);
    String id = Hashing.sha256Hex(job.id() + ":" + draft.line() + ":" + hash).substring(0, 16);
    return new Finding(
        id,
        hash,
        draft.severity(),
        draft.confidence(),
        draft.tier(),
        draft.job(),
        draft.step(),
        draft.line(),
        draft.endLine(),
        Secrets.mask(draft.message()),
        normalized,
        maskEach(draft.block()),
        maskEach(draft.preContext()),
        maskEach(draft.postContext()),
        draft.recurrence(),
        draft.source(),
        draft.test(),
        draft.signals(),
        draft.history());
  }

  // Key bodies are already the mask (their state is kept in the stream, across blocks).
  private static List<String> maskEach(List<String> lines) {
    List<String> out = new ArrayList<>(lines.size());
    for (String l : lines) {
      out.add(Secrets.mask(l));
    }
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  /** Ends the log: flushes the last line and every pending finding. */
  public JobScan finish() {
    if (!finished) {
      int slot = (int) (line % RING);
      if (ringTotal[slot] > 0) {
        classify(
            ringBytes[slot],
            0,
            ringLen[slot],
            filter.gate.first(ringBytes[slot], 0, ringLen[slot]));
        endLine();
      }
      finished = true;
      if (open != null) {
        closeOpen();
      }
      while (!pending.isEmpty()) {
        emit(pending.poll(), line - 1);
      }
    }
    long lines = line - options.firstLine();
    List<Finding> findings = new ArrayList<>();
    for (Finding draft : fold.kept()) {
      findings.add(complete(draft));
    }
    findings.sort(Comparator.comparingLong(Finding::line));
    // The last non-blank lines: what a reader looks at when no line says "error".
    List<String> tail = new ArrayList<>();
    long tailLine = line;
    int max = (int) Math.min(RING - 1, lines);
    for (long l = line - 1; l >= line - max && tail.size() < 10; l--) {
      String text = decode((int) (l % RING));
      if (LineCleaner.stripDecorations(text).isEmpty()) {
        if (tail.isEmpty()) {
          continue;
        }
      }
      tail.add(0, text);
      tailLine = l;
    }
    return new JobScan(
        job,
        lines,
        bytes,
        findings,
        tailLine,
        maskEach(tail),
        fold.dropped(job.name()),
        firstStepLine,
        exitStep);
  }

  private static final class OpenBlock {
    final long head;
    final Kind kind;
    final Severity severity;
    double score;
    final List<String> signals;
    final List<String> lines = new ArrayList<>();
    final String headText;
    String lastText;
    String exceptionLine = "";
    final String step;
    final List<String> pre;
    int frames;

    OpenBlock(long head, Match m, String masked, String text, String step, List<String> pre) {
      this.head = head;
      this.kind = m.kind();
      this.severity = m.severity();
      this.score = m.score();
      this.signals = new ArrayList<>(m.signals());
      this.lines.add(masked);
      this.headText = text;
      this.lastText = text;
      this.step = step;
      this.pre = pre;
    }

    void add(String masked, String text, Optional<Match> m) {
      lines.add(masked);
      lastText = text;
      if (BlockRules.isFrame(text)) {
        frames++;
      }
      if (m.isPresent() && m.get().kind() != Kind.CONSEQUENCE && m.get().score() > score) {
        score = m.get().score();
        for (String s : m.get().signals()) {
          if (!signals.contains(s)) {
            signals.add(s);
          }
        }
      }
      if (headText.startsWith("Traceback")
          && !text.isEmpty()
          && !Character.isWhitespace(text.charAt(0))) {
        exceptionLine = text;
      }
    }

    /** What identifies the failure: the first line, plus a traceback's exception line. */
    String keyText() {
      return exceptionLine.isEmpty() ? lines.get(0) : lines.get(0) + " " + exceptionLine;
    }
  }

  private static final class PendingFinding {
    final OpenBlock block;
    final long dueLine;

    PendingFinding(OpenBlock block, long dueLine) {
      this.block = block;
      this.dueLine = dueLine;
    }
  }

  /**
   * Lines the rules turned down, by a hash of their bytes, shared by the scanners of one thread.
   * Not thread-safe.
   */
  public static final class LineCache {
    private final RecentSet rejected = new RecentSet(1 << 14);

    /** Slots of the memo of baseline matches: 2^16 ints, 256 KB (it stays in a core's cache). */
    private static final int MATCH_SLOTS = 1 << 16;

    private static final LineTemplates.Match[] MATCHES = LineTemplates.Match.values();

    // Marks the entry of a key whose template keeps digits: its lines' matches are memoized by
    // their second key (ByteTemplate.keptKey), where the kept digits are in `kept`.
    private static final int KEEPS = 8;

    // Recent lines' matches against one baseline, by their ByteTemplate.key: lines repeat (a
    // test's PASSED line), and a match is a function of the key. In four ways (FourWay): the set
    // is 14 bits of the key, the entry 28 more (bit 2 set, so that no entry is 0), KEEPS in bit 3
    // and the match in its low 2 bits: 42 bits tell keys apart.
    private int[] matches;
    private LineTemplates matchedAgainst;
    private final KeptRuns kept = new KeptRuns();
    // Whether the last look-up found its key marked KEEPS (so that memoize does not add it again).
    private boolean keepsHeld;

    /**
     * The match memoized against {@code baseline} for a line ({@code n} bytes at {@code src[off]})
     * whose key is {@code key}, null when none is.
     */
    LineTemplates.Match memoized(LineTemplates baseline, long key, byte[] src, int off, int n) {
      keepsHeld = false;
      if (baseline != matchedAgainst) {
        return null;
      }
      int e = FourWay.take(matches, FourWay.set(key, MATCH_SLOTS), held(key), ~(3 | KEEPS));
      if (e == 0 || (e & KEEPS) == 0) {
        return e != 0 ? MATCHES[e & 3] : null;
      }
      keepsHeld = true;
      long second = kept.second(key, src, off, n);
      if (second == 0) {
        return null;
      }
      e = FourWay.take(matches, FourWay.set(second, MATCH_SLOTS), held(second), ~3);
      return e != 0 ? MATCHES[e & 3] : null;
    }

    /**
     * Memoizes the match against {@code baseline} of a line whose key is {@code key}, just
     * templated by {@code t} after {@link #memoized} found none.
     */
    void memoize(
        LineTemplates baseline,
        long key,
        ByteTemplate t,
        byte[] src,
        int off,
        int n,
        LineTemplates.Match m) {
      if (baseline != matchedAgainst) {
        if (matches == null) {
          matches = new int[MATCH_SLOTS];
        } else {
          java.util.Arrays.fill(matches, 0);
        }
        matchedAgainst = baseline;
        keepsHeld = false;
      }
      if (!t.keptDigits()) {
        FourWay.put(matches, FourWay.set(key, MATCH_SLOTS), held(key) | m.ordinal());
        return;
      }
      if (!keepsHeld) {
        FourWay.put(matches, FourWay.set(key, MATCH_SLOTS), held(key) | KEEPS);
      }
      long second = kept.note(key, t, src, off, n);
      if (second != 0) {
        FourWay.put(matches, FourWay.set(second, MATCH_SLOTS), held(second) | m.ordinal());
      }
    }

    private static int held(long key) {
      return ((int) key & ~15) | 4;
    }
  }

  /** A fixed-size set of recent 64-bit hashes; newer entries overwrite older ones. */
  private static final class RecentSet {
    private final long[] table;
    private final int mask;

    RecentSet(int size) {
      table = new long[size];
      mask = size - 1;
    }

    boolean contains(long h) {
      return table[(int) (h ^ (h >>> 32)) & mask] == h;
    }

    void add(long h) {
      table[(int) (h ^ (h >>> 32)) & mask] = h;
    }
  }
}
