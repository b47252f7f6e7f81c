package dev.destill.core.explain;

import dev.destill.core.model.Finding;
import java.util.List;
import java.util.Optional;

/** Finds the verbatim text of a cited line among an analysis's findings. Pure and thread-safe. */
public final class CitedLines {
  private CitedLines() {}

  /** The cleaned, masked text of {@code cited}, from a block or context that holds it. */
  public static Optional<String> text(List<Finding> findings, EvidenceLine cited) {
    for (Finding f : findings) {
      if (!f.job().equals(cited.job()) || f.line() < 1) {
        continue;
      }
      long n = cited.line();
      List<String> pre = f.preContext();
      if (n < f.line() && n >= f.line() - pre.size()) {
        return Optional.of(pre.get((int) (pre.size() - (f.line() - n))));
      }
      if (n >= f.line() && n < f.line() + f.block().size()) {
        return Optional.of(f.block().get((int) (n - f.line())));
      }
      if (n > f.endLine() && n <= f.endLine() + f.postContext().size()) {
        return Optional.of(f.postContext().get((int) (n - f.endLine() - 1)));
      }
    }
    return Optional.empty();
  }
}
