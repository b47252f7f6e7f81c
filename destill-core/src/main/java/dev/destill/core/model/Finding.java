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

  /** The tier as a type. */
  public Tier tierLevel() {
    return Tier.of(tier);
  }

  /** A builder holding this finding's fields, to change some and build a copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with no fields set but the empty ones: lists, optionals, step, recurrence 1. */
  public static Builder builder() {
    return new Builder();
  }

  public Finding withConfidence(double newConfidence) {
    return toBuilder().confidence(newConfidence).build();
  }

  public Finding withTier(int newTier) {
    return toBuilder().tier(newTier).build();
  }

  public Finding withTier(Tier newTier) {
    return toBuilder().tier(newTier).build();
  }

  public Finding withRecurrence(int newRecurrence) {
    return toBuilder().recurrence(newRecurrence).build();
  }

  public Finding withHistory(History newHistory) {
    return toBuilder().history(Optional.of(newHistory)).build();
  }

  public Finding withSignals(List<String> newSignals) {
    return toBuilder().signals(newSignals).build();
  }

  public Finding withStep(String newStep) {
    return toBuilder().step(newStep).build();
  }

  /**
   * Builds a finding field by field; {@link #build()} checks it as the constructor does. Not
   * thread-safe.
   */
  public static final class Builder {
    private String id;
    private String hash;
    private Severity severity;
    private double confidence;
    private int tier = 1;
    private String job;
    private String step = "";
    private long line;
    private long endLine;
    private String message;
    private String normalized;
    private List<String> block = List.of();
    private List<String> preContext = List.of();
    private List<String> postContext = List.of();
    private int recurrence = 1;
    private FindingSource source = FindingSource.LOG;
    private Optional<TestCase> test = Optional.empty();
    private List<String> signals = List.of();
    private Optional<History> history = Optional.empty();

    private Builder() {}

    private Builder(Finding f) {
      id = f.id;
      hash = f.hash;
      severity = f.severity;
      confidence = f.confidence;
      tier = f.tier;
      job = f.job;
      step = f.step;
      line = f.line;
      endLine = f.endLine;
      message = f.message;
      normalized = f.normalized;
      block = f.block;
      preContext = f.preContext;
      postContext = f.postContext;
      recurrence = f.recurrence;
      source = f.source;
      test = f.test;
      signals = f.signals;
      history = f.history;
    }

    public Builder id(String value) {
      id = value;
      return this;
    }

    public Builder hash(String value) {
      hash = value;
      return this;
    }

    public Builder severity(Severity value) {
      severity = value;
      return this;
    }

    public Builder confidence(double value) {
      confidence = value;
      return this;
    }

    public Builder tier(int value) {
      tier = value;
      return this;
    }

    public Builder tier(Tier value) {
      tier = value.number();
      return this;
    }

    public Builder job(String value) {
      job = value;
      return this;
    }

    public Builder step(String value) {
      step = value;
      return this;
    }

    public Builder line(long value) {
      line = value;
      return this;
    }

    public Builder endLine(long value) {
      endLine = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder normalized(String value) {
      normalized = value;
      return this;
    }

    public Builder block(List<String> value) {
      block = value;
      return this;
    }

    public Builder preContext(List<String> value) {
      preContext = value;
      return this;
    }

    public Builder postContext(List<String> value) {
      postContext = value;
      return this;
    }

    public Builder recurrence(int value) {
      recurrence = value;
      return this;
    }

    public Builder source(FindingSource value) {
      source = value;
      return this;
    }

    public Builder test(Optional<TestCase> value) {
      test = value;
      return this;
    }

    public Builder signals(List<String> value) {
      signals = value;
      return this;
    }

    public Builder history(Optional<History> value) {
      history = value;
      return this;
    }

    public Finding build() {
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
          history);
    }
  }
}
