package dev.destill.core.engine;

import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The detection and scoring rules, compiled from a {@link Catalogue}: which lines are candidates
 * (permissive, for recall), and how confident each one is (precise: boosts and penalties). Pure and
 * thread-safe.
 *
 * <p>The catalogue's prefilter words are the byte-level keywords a line must contain to reach the
 * rules at all; the catalogue test proves that every rule's examples get through them.
 */
public final class Rules {

  private static final Rules STANDARD = new Rules(Catalogue.builtIn(), ScoringPolicy.DEFAULT);

  /**
   * Lower-case ASCII keywords of the built-in catalogue; a line that contains none of them
   * (case-insensitively) is never a candidate.
   */
  public static final List<String> PREFILTER_KEYWORDS = STANDARD.catalogue.prefilter();

  // hints: lower-case substrings of which the line must contain one before the regex is tried;
  // one automaton pass over the line finds them all, so most regexes never run.
  // lower: the pattern was written case-insensitive and runs on the lower-cased line instead,
  // which Java's regex engine matches several times faster than with (?i).
  // anchored: the pattern can only match at the start of the line, so it is tried there alone
  // (lookingAt) instead of at every position (find), which gives the same answer.
  private record Rule(
      Catalogue.RuleSpec spec, Pattern pattern, boolean anchored, boolean lower, String signal) {}

  private record Penalty(
      Catalogue.PenaltySpec spec, Pattern pattern, boolean anchored, boolean lower) {}

  private record Benign(String[] prefixes, String[] unless, Pattern pattern, boolean anchored) {}

  /**
   * Whether every match of {@code regex} starts at the beginning of the input: it starts with
   * {@code ^} or {@code \A} (after inline flags), and so does every alternative outside a group.
   * False when unsure.
   */
  static boolean anchoredAtStart(String regex) {
    int i = 0;
    while (regex.startsWith("(?", i)) {
      int close = regex.indexOf(')', i);
      String flags = close < 0 ? "" : regex.substring(i + 2, close);
      if (flags.isEmpty() || !flags.chars().allMatch(Character::isLetter)) {
        return false;
      }
      i = close + 1;
    }
    if (!regex.startsWith("^", i) && !regex.startsWith("\\A", i)) {
      return false;
    }
    int depth = 0;
    boolean inClass = false;
    for (int k = i; k < regex.length(); k++) {
      char c = regex.charAt(k);
      if (c == '\\') {
        k++;
      } else if (inClass) {
        if (c == '[') {
          return false; // nested classes: not worth reading
        }
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
        if (k + 1 < regex.length() && (regex.charAt(k + 1) == ']' || regex.charAt(k + 1) == '^')) {
          return false;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|'
          && depth == 0
          && !regex.startsWith("^", k + 1)
          && !regex.startsWith("\\A", k + 1)) {
        return false;
      }
    }
    return depth == 0 && !inClass;
  }

  private static boolean in(Pattern pattern, boolean anchored, CharSequence text) {
    java.util.regex.Matcher m = pattern.matcher(text);
    return anchored ? m.lookingAt() : m.find();
  }

  /**
   * Compiles a pattern; a {@code (?i)} one is lower-cased (escapes kept) to run on lower-cased
   * text.
   */
  static Pattern compile(String regex) {
    if (!regex.startsWith("(?i)")) {
      return Pattern.compile(regex);
    }
    String body = regex.substring(4);
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        sb.append(c).append(body.charAt(++i));
      } else {
        sb.append(Character.toLowerCase(c));
      }
    }
    return Pattern.compile(sb.toString());
  }

  private final Catalogue catalogue;
  private final ScoringPolicy policy;
  private final List<Rule> rules;
  private final List<Penalty> penalties;
  private final List<Benign> benign;
  // One automaton over every hint of every rule and penalty; group i is rule i, then penalties.
  private final Prefilter hints;
  private final Prefilter prefilter;

  /** Rules compiled from {@code catalogue}, scored by {@code policy}. */
  public Rules(Catalogue catalogue, ScoringPolicy policy) {
    this.catalogue = catalogue;
    this.policy = policy;
    List<Rule> r = new ArrayList<>();
    for (Catalogue.RuleSpec spec : catalogue.rules()) {
      boolean lower = spec.pattern().startsWith("(?i)");
      String signal = spec.user() ? "known-cause:" + spec.name() : spec.name();
      r.add(
          new Rule(spec, compile(spec.pattern()), anchoredAtStart(spec.pattern()), lower, signal));
    }
    rules = List.copyOf(r);
    List<Penalty> p = new ArrayList<>();
    for (Catalogue.PenaltySpec spec : catalogue.penalties()) {
      p.add(
          new Penalty(
              spec,
              compile(spec.pattern()),
              anchoredAtStart(spec.pattern()),
              spec.pattern().startsWith("(?i)")));
    }
    penalties = List.copyOf(p);
    List<Benign> b = new ArrayList<>();
    for (Catalogue.BenignSpec spec : catalogue.benign()) {
      b.add(
          new Benign(
              spec.prefixes().toArray(String[]::new),
              spec.unless().toArray(String[]::new),
              spec.pattern().map(Pattern::compile).orElse(null),
              spec.pattern().map(Rules::anchoredAtStart).orElse(false)));
    }
    benign = List.copyOf(b);
    List<String> words = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      for (String h : rules.get(i).spec.hints()) {
        words.add(h);
        groups.add(i);
      }
    }
    for (int i = 0; i < penalties.size(); i++) {
      for (String h : penalties.get(i).spec.hints()) {
        words.add(h);
        groups.add(rules.size() + i);
      }
    }
    hints = new Prefilter(words, groups.stream().mapToInt(Integer::intValue).toArray());
    prefilter = new Prefilter(catalogue.prefilter());
  }

  /** The rules of the built-in catalogue. */
  public static Rules standard() {
    return STANDARD;
  }

  /** The catalogue these rules were compiled from. */
  public Catalogue catalogue() {
    return catalogue;
  }

  /** The scoring policy these rules score by. */
  public ScoringPolicy policy() {
    return policy;
  }

  /** The byte-level prefilter over the catalogue's prefilter words. */
  public Prefilter prefilter() {
    return prefilter;
  }

  /** The rule set of the built-in catalogue followed by {@code user}'s known causes (first). */
  public Rules withUserRules(Catalogue user) {
    return new Rules(catalogue.withFirst(user), policy);
  }

  /** The explanation and link of a user's known cause, by its signal. */
  public java.util.Optional<Catalogue.RuleSpec> knownCause(String signal) {
    for (Rule r : rules) {
      if (r.spec.user() && r.signal.equals(signal)) {
        return java.util.Optional.of(r.spec);
      }
    }
    return java.util.Optional.empty();
  }

  private static boolean has(long[] present, int group) {
    return (present[group >> 6] & (1L << (group & 63))) != 0;
  }

  /**
   * Lines that carry error words but are never a failure: test runners announcing or passing a
   * test, and summaries that count zero failures. They are the bulk of keyword lines in test
   * output, so they are turned down before any regex runs.
   */
  boolean benign(String text) {
    for (Benign b : benign) {
      for (String prefix : b.prefixes) {
        if (text.startsWith(prefix)) {
          boolean cancelled = false;
          for (String u : b.unless) {
            if (text.contains(u)) {
              cancelled = true;
              break;
            }
          }
          if (!cancelled) {
            return true;
          }
        }
      }
      if (b.pattern != null && in(b.pattern, b.anchored, text)) {
        return true;
      }
    }
    return false;
  }

  /** The most characters of a line the rules look at. */
  public static final int MAX_MATCH_CHARS = 1024;

  private static final int PENALTY_CHARS = 256;

  /** Classifies one line with the built-in rules (see {@link #match}). */
  public static Optional<Match> classify(String visible, boolean red) {
    return STANDARD.match(visible, red);
  }

  /**
   * Classifies one line.
   *
   * @param visible the visible text (ANSI removed, CI timestamps and markers still present)
   * @param red whether the raw line was coloured red, a hint many tools give for errors
   * @return the match, or empty when the line is not a candidate
   */
  public Optional<Match> match(String visible, boolean red) {
    try {
      return match(visible, red, System.nanoTime() + LINE_BUDGET.toNanos());
    } catch (BoundedText.Expired e) {
      // A line whose matching outlasts its budget is not classified: one pathological line must
      // not stall its chunk. Such lines are counted.
      EXPIRED.increment();
      return Optional.empty();
    }
  }

  /**
   * How long the rules may take over one line; a normal line takes microseconds. Past it, the line
   * is left unclassified.
   */
  public static final java.time.Duration LINE_BUDGET = java.time.Duration.ofMillis(20);

  private static final java.util.concurrent.atomic.LongAdder EXPIRED =
      new java.util.concurrent.atomic.LongAdder();

  /** How many lines ran out of {@link #LINE_BUDGET} in this process so far. */
  public static long linesOverBudget() {
    return EXPIRED.sum();
  }

  /** Whether {@code pattern} finds a match in {@code text} before {@code deadline} (nanoTime). */
  static boolean find(java.util.regex.Pattern pattern, String text, long deadline) {
    return pattern.matcher(new BoundedText(text, deadline)).find();
  }

  private Optional<Match> match(String visible, boolean red, long deadline) {
    boolean ghError = visible.contains("##[error]");
    String text = LineCleaner.stripDecorations(visible);
    // Bounded input: no regex ever sees more than MAX_MATCH_CHARS of a line.
    if (text.length() > MAX_MATCH_CHARS) {
      text = text.substring(0, MAX_MATCH_CHARS);
    }
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (benign(text)) {
      return Optional.empty();
    }
    long[] present = hints.groups(text);
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    Rule hit = null;
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      if (has(present, i)
          && in(
              rule.pattern, rule.anchored, new BoundedText(rule.lower ? lower : text, deadline))) {
        hit = rule;
        break;
      }
    }
    List<String> signals = new ArrayList<>(4);
    double score;
    Kind kind;
    Severity severity;
    if (hit != null) {
      score = hit.spec.score();
      kind = hit.spec.kind();
      severity = hit.spec.severity();
      signals.add(hit.signal);
      if (hit.spec.user() && hit.spec.explanation().isPresent()) {
        // A user's known cause says what it means where the finding is shown.
        String link = hit.spec.link().map(l -> " (" + l + ")").orElse("");
        signals.add("explanation: " + hit.spec.explanation().get() + link);
      }
    } else if (red || ghError) {
      // No rule, but the tool painted the line red or GitHub marked it as an error annotation.
      score = ghError ? policy.annotationScore() : policy.redScore();
      kind = Kind.ERROR;
      severity = Severity.ERROR;
      signals.add(ghError ? "gh-error-annotation" : "red");
    } else {
      return Optional.empty();
    }
    if (kind != Kind.CONSEQUENCE) {
      if (ghError && hit != null) {
        score += policy.annotationBonus();
        signals.add("gh-error-annotation");
      } else if (red && hit != null && kind != Kind.WARNING) {
        score += policy.redBonus();
        signals.add("red");
      }
    }
    score += penalize(text, lower, present, kind, signals);
    score = clamp(score);
    if (score < policy.minScore()) {
      return Optional.empty();
    }
    return Optional.of(new Match(kind, severity, score, signals));
  }

  // Penalties judge what kind of line this is; its start says that. Adds their names to signals.
  private double penalize(
      String text, String lower, long[] present, Kind kind, List<String> signals) {
    String head = text.length() > PENALTY_CHARS ? text.substring(0, PENALTY_CHARS) : text;
    String lowerHead = lower.length() > PENALTY_CHARS ? lower.substring(0, PENALTY_CHARS) : lower;
    double delta = 0;
    for (int i = 0; i < penalties.size(); i++) {
      Penalty p = penalties.get(i);
      if (p.spec.appliesTo().contains(kind)
          && has(present, rules.size() + i)
          && in(p.pattern, p.anchored, p.lower ? lowerHead : head)) {
        delta += p.spec.delta();
        signals.add(p.spec.name());
      }
    }
    return delta;
  }

  /** The penalties that apply to a line of the given kind (for catalogue tests). */
  List<String> penaltiesOf(String visible, Kind kind) {
    String text = LineCleaner.stripDecorations(visible);
    List<String> signals = new ArrayList<>();
    penalize(text, text.toLowerCase(java.util.Locale.ROOT), hints.groups(text), kind, signals);
    return signals;
  }

  /**
   * The tier a match gets on its own in a failed job, before the failing step and other findings
   * are taken into account: what a catalogue example's {@code tier} states.
   */
  public int tierAlone(Match m) {
    double c = Math.min(policy.maxLogConfidence(), m.score() + policy.failedJobBonus());
    return policy.tier(c, m.severity() == Severity.WARNING, m.kind() == Kind.CONSEQUENCE);
  }

  static double clamp(double v) {
    return Math.max(0.0, Math.min(1.0, v));
  }
}
