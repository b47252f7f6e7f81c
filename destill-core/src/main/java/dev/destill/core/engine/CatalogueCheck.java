package dev.destill.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a rule set against its own examples: every example of a rule gets through the prefilter,
 * is matched by that rule and gets the kind and tier it states; no non-example is matched by it.
 * Pure.
 */
public final class CatalogueCheck {
  private CatalogueCheck() {}

  /**
   * What is wrong with the rules of {@code checked}, as compiled in {@code rules}; empty if none.
   */
  public static List<String> problems(Rules rules, Catalogue checked) {
    List<String> out = new ArrayList<>();
    for (Catalogue.RuleSpec r : checked.rules()) {
      String signal = r.user() ? "known-cause:" + r.name() : r.name();
      for (Catalogue.Example e : r.examples()) {
        if (!rules.prefilter().matches(LineCleaner.stripDecorations(e.line()))) {
          out.add(r.name() + ": the prefilter drops the example `" + e.line() + "` (add a hint)");
          continue;
        }
        Optional<Match> m = rules.match(e.line(), e.red());
        if (m.isEmpty() || !m.get().signals().get(0).equals(signal)) {
          out.add(
              r.name()
                  + ": does not match the example `"
                  + e.line()
                  + "`"
                  + m.map(x -> " (" + x.signals().get(0) + " does)").orElse(""));
          continue;
        }
        if (e.kind().isPresent() && e.kind().get() != m.get().kind()) {
          out.add(
              r.name() + ": `" + e.line() + "` is " + m.get().kind() + ", not " + e.kind().get());
        }
        int tier = rules.tierAlone(m.get());
        if (e.tier().isPresent() && e.tier().getAsInt() != tier) {
          out.add(
              r.name() + ": `" + e.line() + "` gets tier " + tier + ", not " + e.tier().getAsInt());
        }
      }
      for (String line : r.nonExamples()) {
        Optional<Match> m = rules.match(line, false);
        if (m.isPresent() && m.get().signals().get(0).equals(signal)) {
          out.add(r.name() + ": matches the non-example `" + line + "`");
        }
      }
    }
    return out;
  }
}
