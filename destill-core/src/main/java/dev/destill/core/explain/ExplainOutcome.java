package dev.destill.core.explain;

import java.util.Objects;

/** What asking for an explanation came to. */
public sealed interface ExplainOutcome {
  /** The prompt that was (or would have been) sent; absent when nothing was worth explaining. */
  record Explained(Explanation explanation, Prompt prompt) implements ExplainOutcome {
    public Explained {
      Objects.requireNonNull(explanation, "explanation");
      Objects.requireNonNull(prompt, "prompt");
    }
  }

  /** {@code --explain=dry-run}: what would be sent; nothing was. */
  record DryRun(Prompt prompt) implements ExplainOutcome {
    public DryRun {
      Objects.requireNonNull(prompt, "prompt");
    }
  }

  /** The analysis has no finding to explain; nothing was sent. */
  record NothingToExplain() implements ExplainOutcome {}

  /** The model could not be asked or gave no usable answer; {@code reason} is one line. */
  record Failed(String reason, Prompt prompt) implements ExplainOutcome {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(prompt, "prompt");
    }
  }
}
