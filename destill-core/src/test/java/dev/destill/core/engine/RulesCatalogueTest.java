package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the whole built-in catalogue: every rule's examples match it (with their kind and tier) and
 * get through the prefilter, its non-examples don't match it, every penalty applies to its examples
 * and not to its non-examples, every benign shape turns its examples down. A broken rule fails
 * here, not in the evaluation.
 */
class RulesCatalogueTest {
  private static final Rules RULES = Rules.standard();

  static Stream<Arguments> rules() {
    return RULES.catalogue().rules().stream().map(r -> Arguments.of(r.name(), r));
  }

  static Stream<Arguments> penalties() {
    return RULES.catalogue().penalties().stream().map(p -> Arguments.of(p.name(), p));
  }

  static Stream<Arguments> benign() {
    return RULES.catalogue().benign().stream().map(b -> Arguments.of(b.name(), b));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void ruleMatchesItsExamplesOnly(String name, Catalogue.RuleSpec rule) {
    assertThat(rule.examples()).as("examples of %s", name).isNotEmpty();
    assertThat(rule.rationale()).isNotBlank();
    assertThat(rule.ecosystem()).isNotBlank();
    for (Catalogue.Example e : rule.examples()) {
      check(RULES, rule.name(), e);
    }
    for (String line : rule.nonExamples()) {
      Optional<Match> m = RULES.match(line, false);
      assertThat(m.map(x -> x.signals().get(0)))
          .as("non-example of %s: %s", name, line)
          .isNotEqualTo(Optional.of(name));
    }
  }

  /** Checks one example of a rule: prefilter, which rule matched, kind and tier. */
  static void check(Rules rules, String signal, Catalogue.Example e) {
    assertThat(rules.prefilter().matches(LineCleaner.stripDecorations(e.line())))
        .as("the prefilter lets this example of %s through: %s", signal, e.line())
        .isTrue();
    Optional<Match> m = rules.match(e.line(), e.red());
    assertThat(m).as("%s matches: %s", signal, e.line()).isPresent();
    assertThat(m.get().signals().get(0)).as("the rule that matched: %s", e.line()).endsWith(signal);
    e.kind().ifPresent(k -> assertThat(m.get().kind()).as("kind of: %s", e.line()).isEqualTo(k));
    e.tier()
        .ifPresent(
            t ->
                assertThat(rules.tierAlone(m.get()))
                    .as("tier of: %s (%s)", e.line(), m.get())
                    .isEqualTo(t));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("penalties")
  void penaltyAppliesToItsExamplesOnly(String name, Catalogue.PenaltySpec penalty) {
    assertThat(penalty.examples()).as("examples of %s", name).isNotEmpty();
    Kind kind = penalty.appliesTo().stream().sorted().findFirst().orElseThrow();
    for (Catalogue.Example e : penalty.examples()) {
      assertThat(RULES.penaltiesOf(e.line(), e.kind().orElse(kind)))
          .as("%s applies to: %s", name, e.line())
          .contains(name);
      e.tier()
          .ifPresent(
              t ->
                  assertThat(RULES.match(e.line(), e.red()).map(RULES::tierAlone).orElse(3))
                      .as("tier of: %s", e.line())
                      .isEqualTo(t));
    }
    for (String line : penalty.nonExamples()) {
      for (Kind k : penalty.appliesTo()) {
        assertThat(RULES.penaltiesOf(line, k))
            .as("%s does not apply to: %s", name, line)
            .doesNotContain(name);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("benign")
  void benignShapesAreTurnedDown(String name, Catalogue.BenignSpec benign) {
    assertThat(benign.examples()).as("examples of %s", name).isNotEmpty();
    for (String line : benign.examples()) {
      assertThat(RULES.match(line, false)).as("%s turns down: %s", name, line).isEmpty();
    }
    for (String line : benign.nonExamples()) {
      assertThat(RULES.benign(LineCleaner.stripDecorations(line)))
          .as("%s still looks at: %s", name, line)
          .isFalse();
    }
  }

  @Test
  void namesAreUniqueAndEveryRuleHasHints() {
    Set<String> names = new HashSet<>();
    List<String> all = new ArrayList<>();
    RULES.catalogue().rules().forEach(r -> all.add(r.name()));
    RULES.catalogue().penalties().forEach(p -> all.add(p.name()));
    RULES.catalogue().benign().forEach(b -> all.add(b.name()));
    for (String n : all) {
      assertThat(names.add(n)).as("unique name %s", n).isTrue();
    }
    RULES.catalogue().rules().forEach(r -> assertThat(r.hints()).as(r.name()).isNotEmpty());
  }

  @Test
  void penaltiesNeverLowerConsequences() {
    RULES
        .catalogue()
        .penalties()
        .forEach(p -> assertThat(p.appliesTo()).as(p.name()).doesNotContain(Kind.CONSEQUENCE));
  }
}
