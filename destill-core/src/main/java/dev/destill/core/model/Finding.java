package dev.destill.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One ranked explanation of a failure: the triage card. A finding covers a block of log lines
 * ({@code line..endLine}, 1-based and inclusive over the raw log split on {@code \n}), or one
 * failed test from a JUnit report.
 *
 * @param id stable identifier, unique within one analysis
 * @param hash SHA-256 hex of {@code normalized}; the same failure in different builds has the same
 *     hash
 * @param severity how bad the line says it is
 * @param confidence 0..1, how likely this finding explains the failure
 * @param tier 1 = likely cause, 2 = related (consequences, summaries, weaker signals), 3 = noise
 *     (also seen in passing jobs, or very weak)
 * @param job the job's display name
 * @param step the step within the job ({@code ""} when unknown)
 * @param line first line of the block (0 for JUnit findings not tied to a log line)
 * @param endLine last line of the block, inclusive
 * @param message the first line of the block, ANSI codes removed, secrets masked
 * @param normalized the message with volatile parts (numbers, paths, ids...) masked
 * @param block the lines {@code line..endLine} (bounded), cleaned and masked
 * @param preContext up to 15 lines before the block
 * @param postContext up to 30 lines after the block
 * @param recurrence how many times this hash occurs in this build (1 or more)
 * @param source log or junit
 * @param test the failed test, for JUnit findings
 * @param signals short names of the rules that set the confidence, for explanations
 * @param history what earlier builds say about this hash, when a store knows
 */
public record Finding(
    String id,
    String hash,
    Severity severity,
    double confidence,
    int tier,
    String job,
    String step,
    long line,
    long endLine,
    String message,
    String normalized,
    List<String> block,
    List<String> preContext,
    List<String> postContext,
    int recurrence,
    FindingSource source,
    Optional<TestCase> test,
    List<String> signals,
    Optional<History> history) {

  /**
   * The version of the algorithm that turns a message into {@code normalized} and {@code hash}.
   * Stores keep it beside each hash and compare only hashes of one version, so that a change of the
   * algorithm (a new version) neither merges nor splits history silently.
   */
  public static final String FINGERPRINT = "fp-v2";

  public Finding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(normalized, "normalized");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(history, "history");
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new IllegalArgumentException("confidence must be in 0..1, was " + confidence);
    }
    if (tier < 1 || tier > 3) {
      throw new IllegalArgumentException("tier must be 1, 2 or 3, was " + tier);
    }
    if (endLine < line) {
      throw new IllegalArgumentException("endLine " + endLine + " is before line " + line);
    }
    if (recurrence < 1) {
      throw new IllegalArgumentException("recurrence must be at least 1, was " + recurrence);
    }
    block = List.copyOf(block);
    preContext = List.copyOf(preContext);
    postContext = List.copyOf(postContext);
    signals = List.copyOf(signals);
  }

  public Finding withConfidence(double newConfidence) {
    return new Finding(
        id,
        hash,
        severity,
        newConfidence,
        tier,
        job,
        step,
        line,
        endLine,
        message,
        normalized,
        block,
        preContext,
        postContext,
        recurrence,
        source,
        test,
        signals,
        history);
  }

  public Finding withTier(int newTier) {
    return new Finding(
        id,
        hash,
        severity,
        confidence,
        newTier,
        job,
        step,
        line,
        endLine,
        message,
        normalized,
        block,
        preContext,
        postContext,
        recurrence,
        source,
        test,
        signals,
        history);
  }

  public Finding withRecurrence(int newRecurrence) {
    return new Finding(
        id,
        hash,
        severity,
        confidence,
        tier,
        job,
        step,
        line,
        endLine,
        message,
        normalized,
        block,
        preContext,
        postContext,
        newRecurrence,
        source,
        test,
        signals,
        history);
  }

  public Finding withHistory(History newHistory) {
    return new Finding(
        id,
        hash,
        severity,
        confidence,
        tier,
        job,
        step,
        line,
        endLine,
        message,
        normalized,
        block,
        preContext,
        postContext,
        recurrence,
        source,
        test,
        signals,
        Optional.of(newHistory));
  }

  public Finding withSignals(List<String> newSignals) {
    return new Finding(
        id,
        hash,
        severity,
        confidence,
        tier,
        job,
        step,
        line,
        endLine,
        message,
        normalized,
        block,
        preContext,
        postContext,
        recurrence,
        source,
        test,
        newSignals,
        history);
  }

  public Finding withStep(String newStep) {
    return new Finding(
        id,
        hash,
        severity,
        confidence,
        tier,
        job,
        newStep,
        line,
        endLine,
        message,
        normalized,
        block,
        preContext,
        postContext,
        recurrence,
        source,
        test,
        signals,
        history);
  }
}
