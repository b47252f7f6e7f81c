package dev.destill.core.engine;

import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A rule catalogue: the rules that make a line a candidate, the penalties that lower one, the
 * benign line shapes that are never one, and the prefilter words a line needs to be looked at. Each
 * entry carries its examples, so that the catalogue tests itself. The built-in catalogue is the
 * resource {@code rules.yaml} beside this class; users add known causes in the same format (see
 * docs/rules.md). Immutable.
 *
 * @param prefilter lower-case words of which a line must contain one to reach the rules
 * @param rules ordered: the first rule whose pattern finds a match decides the line's kind
 * @param penalties lower a match's score when their pattern finds a match in the line's start
 * @param benign line shapes that are never a candidate
 */
public record Catalogue(
    List<String> prefilter,
    List<RuleSpec> rules,
    List<PenaltySpec> penalties,
    List<BenignSpec> benign) {
  public Catalogue {
    prefilter = List.copyOf(prefilter);
    rules = List.copyOf(rules);
    penalties = List.copyOf(penalties);
    benign = List.copyOf(benign);
  }

  /** The built-in catalogue. */
  public static Catalogue builtIn() {
    return CatalogueReader.builtIn();
  }

  /** This catalogue's entries followed by {@code other}'s (its rules first, as known causes). */
  public Catalogue withFirst(Catalogue other) {
    List<String> words = new ArrayList<>(prefilter);
    other.prefilter.stream().filter(w -> !words.contains(w)).forEach(words::add);
    List<RuleSpec> r = new ArrayList<>(other.rules);
    r.addAll(rules);
    List<PenaltySpec> p = new ArrayList<>(penalties);
    p.addAll(other.penalties);
    List<BenignSpec> b = new ArrayList<>(benign);
    b.addAll(other.benign);
    return new Catalogue(words, r, p, b);
  }

  /**
   * A line an entry must handle in a given way.
   *
   * @param line the log line (visible text, as a CI system prints it)
   * @param kind the kind its match must get, when given
   * @param tier the tier the line must get on its own in a failed job, when given
   * @param red whether the line is to be taken as painted red
   */
  public record Example(String line, Optional<Kind> kind, OptionalInt tier, boolean red) {
    public Example {
      Objects.requireNonNull(line, "line");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(tier, "tier");
    }
  }

  /**
   * A rule: a line whose text its pattern finds is a candidate of its kind.
   *
   * @param name unique, short; shown as the finding's signal
   * @param ecosystem the tool or family whose output it recognizes
   * @param rationale one line: why such a line matters
   * @param hints lower-case words of which the line must contain one before the pattern runs
   * @param pattern a Java regex; one starting {@code (?i)} runs on the lower-cased line
   * @param kind what the line is
   * @param severity how bad it says it is
   * @param score 0..1 confidence before penalties and ranking
   * @param explanation for known causes: what it means and what to do
   * @param link for known causes: where the fix is described
   * @param user whether the rule comes from a user's rule set
   * @param examples lines it must match (with the kind and tier they must get)
   * @param nonExamples lines it must not match
   */
  public record RuleSpec(
      String name,
      String ecosystem,
      String rationale,
      List<String> hints,
      String pattern,
      Kind kind,
      Severity severity,
      double score,
      Optional<String> explanation,
      Optional<String> link,
      boolean user,
      List<Example> examples,
      List<String> nonExamples) {
    public RuleSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(severity, "severity");
      hints = List.copyOf(hints);
      examples = List.copyOf(examples);
      nonExamples = List.copyOf(nonExamples);
    }
  }

  /**
   * A penalty: lowers the score of a match of one of {@code appliesTo} kinds whose line start its
   * pattern finds.
   *
   * @param name unique; shown as a signal
   * @param rationale one line: why such lines are less likely the cause
   * @param hints lower-case words of which the line must contain one before the pattern runs
   * @param pattern a Java regex, {@code (?i)} as for rules
   * @param appliesTo the kinds it lowers
   * @param delta what it adds to the score (negative)
   * @param examples lines it must apply to (and the kind and tier they then get)
   * @param nonExamples lines with a match that it must not apply to
   */
  public record PenaltySpec(
      String name,
      String rationale,
      List<String> hints,
      String pattern,
      Set<Kind> appliesTo,
      double delta,
      List<Example> examples,
      List<String> nonExamples) {
    public PenaltySpec {
      Objects.requireNonNull(name, "name");
      hints = List.copyOf(hints);
      appliesTo = Set.copyOf(appliesTo);
      examples = List.copyOf(examples);
      nonExamples = List.copyOf(nonExamples);
    }
  }

  /**
   * A benign line shape: lines that start with one of {@code prefixes} (and contain none of {@code
   * unless}), or that {@code pattern} finds, are never candidates.
   *
   * @param name unique
   * @param rationale one line
   * @param prefixes line starts
   * @param unless substrings that make a prefixed line a candidate after all
   * @param pattern a Java regex, or empty
   * @param examples lines that must get no match
   * @param nonExamples lines that must still be looked at
   */
  public record BenignSpec(
      String name,
      String rationale,
      List<String> prefixes,
      List<String> unless,
      Optional<String> pattern,
      List<String> examples,
      List<String> nonExamples) {
    public BenignSpec {
      Objects.requireNonNull(name, "name");
      prefixes = List.copyOf(prefixes);
      unless = List.copyOf(unless);
      examples = List.copyOf(examples);
      nonExamples = List.copyOf(nonExamples);
    }
  }
}
