package dev.destill.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.destill.core.DestillException;
import dev.destill.core.model.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a {@link Catalogue} from YAML (the format is in docs/rules.md). Every error names the
 * source and the entry. Thread-safe.
 */
public final class CatalogueReader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String BUILT_IN = "rules.yaml";
  private static final Catalogue BUILT_IN_CATALOGUE = load();

  private CatalogueReader() {}

  static Catalogue builtIn() {
    return BUILT_IN_CATALOGUE;
  }

  private static Catalogue load() {
    try (InputStream in = CatalogueReader.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("built-in rule catalogue missing");
      }
      return read(in, "built-in " + BUILT_IN, false);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in rule catalogue", e);
    }
  }

  /**
   * Reads a catalogue; {@code user} marks its rules as a user's known causes, which must then have
   * an explanation and examples.
   */
  public static Catalogue read(InputStream in, String source, boolean user) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      throw new DestillException.BadInput(
          source
              + " is not valid YAML: "
              + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  ? j.getOriginalMessage()
                  : e.getMessage()),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new DestillException.BadInput(source + " must be a mapping with a `rules:` list");
    }
    Set<String> known = Set.of("version", "prefilter", "rules", "penalties", "benign");
    root.fieldNames()
        .forEachRemaining(
            f -> {
              if (!known.contains(f)) {
                throw new DestillException.BadInput(
                    source + ": unknown key `" + f + "` (known: " + String.join(", ", known) + ")");
              }
            });
    Set<String> names = new HashSet<>();
    List<Catalogue.RuleSpec> rules = new ArrayList<>();
    for (JsonNode r : root.path("rules")) {
      rules.add(rule(r, source, user, names));
    }
    List<Catalogue.PenaltySpec> penalties = new ArrayList<>();
    for (JsonNode p : root.path("penalties")) {
      penalties.add(penalty(p, source, names));
    }
    List<Catalogue.BenignSpec> benign = new ArrayList<>();
    for (JsonNode b : root.path("benign")) {
      String name = name(b, source, names);
      benign.add(
          new Catalogue.BenignSpec(
              name,
              text(b, "rationale", source, name, !user),
              strings(b.path("prefixes")),
              strings(b.path("unless")),
              optional(b, "pattern").map(p -> checked(p, source, name)),
              strings(b.path("examples")),
              strings(b.path("non_examples"))));
    }
    List<String> prefilter = new ArrayList<>();
    for (String w : strings(root.path("prefilter"))) {
      prefilter.add(w.toLowerCase(Locale.ROOT));
    }
    if (user) {
      // A user's rules reach the rules only if the prefilter lets their lines through.
      for (Catalogue.RuleSpec r : rules) {
        for (String h : r.hints()) {
          if (!prefilter.contains(h)) {
            prefilter.add(h);
          }
        }
      }
    }
    return new Catalogue(prefilter, rules, penalties, benign);
  }

  private static Catalogue.RuleSpec rule(
      JsonNode r, String source, boolean user, Set<String> names) {
    String name = name(r, source, names);
    String pattern = checked(text(r, "pattern", source, name, true), source, name);
    List<String> hints = lower(strings(r.path("hints")));
    if (hints.isEmpty()) {
      throw new DestillException.BadInput(
          source
              + ": rule `"
              + name
              + "` needs `hints`: lower-case words every line it matches contains");
    }
    Kind kind = kind(r.path("kind").asText(user ? "error" : ""), source, name);
    Severity severity = severity(r.path("severity").asText("error"), source, name);
    double score = r.path("score").asDouble(user ? 0.9 : -1);
    if (score < 0 || score > 1) {
      throw new DestillException.BadInput(
          source + ": rule `" + name + "` needs a `score` between 0 and 1");
    }
    List<Catalogue.Example> examples = examples(r.path("examples"), source, name);
    if (examples.isEmpty()) {
      throw new DestillException.BadInput(
          source + ": rule `" + name + "` needs at least one entry in `examples`");
    }
    Optional<String> explanation = optional(r, "explanation");
    if (user && explanation.isEmpty()) {
      throw new DestillException.BadInput(
          source + ": rule `" + name + "` needs an `explanation`: what it means, what to do");
    }
    return new Catalogue.RuleSpec(
        name,
        r.path("ecosystem").asText(user ? "user" : "general"),
        text(r, "rationale", source, name, !user),
        hints,
        pattern,
        kind,
        severity,
        score,
        explanation,
        optional(r, "link"),
        user,
        examples,
        strings(r.path("non_examples")));
  }

  private static Catalogue.PenaltySpec penalty(JsonNode p, String source, Set<String> names) {
    String name = name(p, source, names);
    Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    for (String k : strings(p.path("applies_to"))) {
      kinds.add(kind(k, source, name));
    }
    if (kinds.isEmpty()) {
      throw new DestillException.BadInput(
          source + ": penalty `" + name + "` needs `applies_to`: the kinds it lowers");
    }
    double delta = p.path("delta").asDouble(0);
    if (delta >= 0 || delta < -1) {
      throw new DestillException.BadInput(
          source + ": penalty `" + name + "` needs a negative `delta` (at least -1)");
    }
    List<String> hints = lower(strings(p.path("hints")));
    if (hints.isEmpty()) {
      throw new DestillException.BadInput(source + ": penalty `" + name + "` needs `hints`");
    }
    return new Catalogue.PenaltySpec(
        name,
        text(p, "rationale", source, name, true),
        hints,
        checked(text(p, "pattern", source, name, true), source, name),
        kinds,
        delta,
        examples(p.path("examples"), source, name),
        strings(p.path("non_examples")));
  }

  private static List<Catalogue.Example> examples(JsonNode list, String source, String name) {
    List<Catalogue.Example> out = new ArrayList<>();
    for (JsonNode e : list) {
      if (e.isTextual()) {
        out.add(new Catalogue.Example(e.asText(), Optional.empty(), OptionalInt.empty(), false));
        continue;
      }
      String line = e.path("line").asText(null);
      if (line == null) {
        throw new DestillException.BadInput(
            source + ": an example of `" + name + "` has no `line`");
      }
      Optional<Kind> kind =
          e.has("kind")
              ? Optional.of(kind(e.get("kind").asText(), source, name))
              : Optional.empty();
      OptionalInt tier =
          e.has("tier") ? OptionalInt.of(e.get("tier").asInt()) : OptionalInt.empty();
      out.add(new Catalogue.Example(line, kind, tier, e.path("red").asBoolean(false)));
    }
    return out;
  }

  private static String name(JsonNode n, String source, Set<String> names) {
    String name = n.path("name").asText("");
    if (name.isBlank()) {
      throw new DestillException.BadInput(source + ": an entry has no `name`");
    }
    if (!names.add(name)) {
      throw new DestillException.BadInput(source + ": the name `" + name + "` is used twice");
    }
    return name;
  }

  private static String text(
      JsonNode n, String field, String source, String name, boolean required) {
    String v = n.path(field).asText("");
    if (v.isBlank() && required) {
      throw new DestillException.BadInput(source + ": `" + name + "` needs `" + field + "`");
    }
    return v;
  }

  private static Optional<String> optional(JsonNode n, String field) {
    String v = n.path(field).asText("");
    return v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  private static String checked(String pattern, String source, String name) {
    try {
      Pattern.compile(pattern);
      return pattern;
    } catch (PatternSyntaxException e) {
      throw new DestillException.BadInput(
          source + ": the pattern of `" + name + "` is not a valid regex: " + e.getDescription());
    }
  }

  private static Kind kind(String k, String source, String name) {
    try {
      return Kind.valueOf(k.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new DestillException.BadInput(
          source
              + ": `"
              + name
              + "` has kind `"
              + k
              + "`; kinds are error, crash, diagnostic, test_failure, consequence, warning");
    }
  }

  private static Severity severity(String s, String source, String name) {
    try {
      return Severity.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new DestillException.BadInput(
          source + ": `" + name + "` has severity `" + s + "`; use error, fatal or warning");
    }
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    if (list.isTextual()) {
      out.add(list.asText());
    }
    for (JsonNode s : list) {
      out.add(s.asText());
    }
    return out;
  }

  private static List<String> lower(List<String> words) {
    return words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
  }
}
