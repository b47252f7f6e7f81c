package dev.destill.core.engine;

/**
 * Every weight and cut-off of scoring and ranking, in one place. A rule's own score comes from the
 * catalogue; what happens to it afterwards (colour, blocks, job state, the failing step, passing
 * jobs, tiers, fallbacks) is decided by these numbers alone. Immutable.
 *
 * @param redScore the score of a line with no rule that the tool painted red
 * @param annotationScore the score of a line with no rule that GitHub marked {@code ##[error]}
 * @param annotationBonus added to a match that GitHub also marked {@code ##[error]}
 * @param redBonus added to a (non-warning) match painted red
 * @param minScore matches scoring less are dropped
 * @param stackTraceBonus added to a block with at least two stack frames
 * @param failedJobBonus added to findings of a failed job
 * @param passedJobPenalty taken from findings of a passing job
 * @param maxLogConfidence the most a log finding's confidence can be
 * @param alsoInPassingPenalty taken from a finding that a passing job of the build shows too
 * @param followsErrorFactor a consequence that follows an error keeps this share of its confidence
 * @param inFailingStepBonus added to a finding in the step that ended with the failing exit
 * @param firstInStepBonus added to the first convincing finding of that step
 * @param firstInStepMin the confidence from which a finding counts as the step's first error
 * @param outsideStepPenalty taken from a finding outside the failing step
 * @param detailElsewherePenalty taken from a test failure line whose detail another finding of the
 *     job holds (a go parent test with a failed subtest, a cargo test with its captured output)
 * @param causeMin the confidence from which a finding counts as a cause a consequence follows
 * @param convincingMin the confidence from which a finding explains a failure without fallback
 * @param outputBeforeExitConfidence the confidence of the output before the failing exit
 * @param outputBeforeExitExplainedConfidence its confidence when a finding explains the failure
 * @param outputBeforeExitLines the most lines of that output shown
 * @param endOfLogConfidence the confidence of the end of a log with no other explanation
 * @param endOfLogLines the most lines of the end of a log shown
 * @param tier1Min the confidence from which a finding is tier 1 (likely cause)
 * @param tier2Min below this confidence a finding is tier 3 (noise)
 * @param baseline how a baseline (a passing run of the same job) moves findings
 */
public record ScoringPolicy(
    double redScore,
    double annotationScore,
    double annotationBonus,
    double redBonus,
    double minScore,
    double stackTraceBonus,
    double failedJobBonus,
    double passedJobPenalty,
    double maxLogConfidence,
    double alsoInPassingPenalty,
    double followsErrorFactor,
    double inFailingStepBonus,
    double firstInStepBonus,
    double firstInStepMin,
    double outsideStepPenalty,
    double detailElsewherePenalty,
    double causeMin,
    double convincingMin,
    double outputBeforeExitConfidence,
    double outputBeforeExitExplainedConfidence,
    int outputBeforeExitLines,
    double endOfLogConfidence,
    int endOfLogLines,
    double tier1Min,
    double tier2Min,
    Baseline baseline) {

  /**
   * What a baseline does to ranking ({@link NoveltyRanking}).
   *
   * @param knownPenalty taken from a finding whose lines the baseline shows too
   * @param newBonus added to a finding with a line the baseline does not have
   * @param newLinesConfidence the confidence of a run of new lines with no error word
   * @param newLinesMinLines the fewest non-blank new lines a run needs to become a candidate
   * @param newLinesMaxLines the most lines of a run a candidate shows
   * @param newLinesWindow how far (in lines) before the failure a run may end and still count
   * @param newLinesMax the most runs per job kept as candidates, those nearest the failure
   * @param nearIsKnown whether a line whose skeleton of words only is in the baseline is known
   * @param oneWordIsKnown whether a finding's first line that is a known line plus one word is
   *     known
   */
  public record Baseline(
      double knownPenalty,
      double newBonus,
      double newLinesConfidence,
      int newLinesMinLines,
      int newLinesMaxLines,
      int newLinesWindow,
      int newLinesMax,
      boolean nearIsKnown,
      boolean oneWordIsKnown) {}

  /** The policy the engine uses. */
  public static final ScoringPolicy DEFAULT =
      new ScoringPolicy(
          0.4, // redScore
          0.4, // annotationScore
          0.1, // annotationBonus
          0.05, // redBonus
          0.05, // minScore
          0.03, // stackTraceBonus
          0.03, // failedJobBonus
          0.3, // passedJobPenalty
          0.99, // maxLogConfidence
          0.4, // alsoInPassingPenalty
          0.6, // followsErrorFactor
          0.08, // inFailingStepBonus
          0.03, // firstInStepBonus
          0.5, // firstInStepMin
          0.1, // outsideStepPenalty
          0.05, // detailElsewherePenalty
          0.4, // causeMin
          0.6, // convincingMin
          0.65, // outputBeforeExitConfidence
          0.45, // outputBeforeExitExplainedConfidence
          8, // outputBeforeExitLines
          0.35, // endOfLogConfidence
          8, // endOfLogLines
          0.6, // tier1Min
          0.3, // tier2Min
          new Baseline(
              0.3, // knownPenalty
              0.05, // newBonus
              0.5, // newLinesConfidence
              2, // newLinesMinLines
              10, // newLinesMaxLines
              60, // newLinesWindow
              2, // newLinesMax
              true, // nearIsKnown
              true)); // oneWordIsKnown

  /**
   * The tier of a finding from its confidence and role alone: 1 likely cause, 2 related, 3 noise.
   * Warnings are always 3; consequences at most 2.
   */
  public int tier(double confidence, boolean warning, boolean consequence) {
    if (warning || confidence < tier2Min) {
      return 3;
    }
    if (consequence || confidence < tier1Min) {
      return 2;
    }
    return 1;
  }
}
