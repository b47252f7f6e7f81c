package dev.destill.app.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting of Destill, declared once: the environment variable that sets it (and older names for
 * it), the command-line flag that overrides it, its type, default, validation and doc. The settings
 * themselves are the constants of {@link Settings}.
 *
 * @param variable the environment variable, which is also the setting's name in messages
 * @param aliases older names of the variable, read when {@code variable} is not set
 * @param flag the option of the commands that take it, which wins over the environment
 * @param type what the value is, in words ("number from 1 to 1000")
 * @param fallback the default as text, when there is one
 * @param doc what the setting does, one sentence
 * @param secret whether the value is masked wherever it is shown
 * @param parser turns the text into the value; throws {@link IllegalArgumentException} with a
 *     message that completes "VARIABLE ..." ("must be a number from 1 to 1000")
 * @param <T> the type of the value
 */
public record Setting<T>(
    String variable,
    List<String> aliases,
    Optional<String> flag,
    String type,
    Optional<String> fallback,
    String doc,
    boolean secret,
    Function<String, T> parser) {
  public Setting {
    Objects.requireNonNull(variable, "variable");
    aliases = List.copyOf(aliases);
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(fallback, "fallback");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(parser, "parser");
  }

  /** A text setting without a default. */
  static Setting<String> text(String variable, String doc) {
    return new Setting<>(
        variable, List.of(), Optional.empty(), "text", Optional.empty(), doc, false, s -> s);
  }

  /** A secret (a token) without a default: never shown, only whether it is set. */
  static Setting<String> secret(String variable, String doc) {
    return new Setting<>(
        variable, List.of(), Optional.empty(), "secret", Optional.empty(), doc, true, s -> s);
  }

  /** A whole number from {@code min} to {@code max}, with a default. */
  static Setting<Integer> integer(String variable, int fallback, int min, int max, String doc) {
    return new Setting<>(
        variable,
        List.of(),
        Optional.empty(),
        "number from " + min + " to " + max,
        Optional.of(String.valueOf(fallback)),
        doc,
        false,
        s -> {
          try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
              return n;
            }
          } catch (NumberFormatException e) {
            // reported below
          }
          throw new IllegalArgumentException("must be a number from " + min + " to " + max);
        });
  }

  Setting<T> withAliases(String... names) {
    return new Setting<>(variable, List.of(names), flag, type, fallback, doc, secret, parser);
  }

  Setting<T> withFlag(String option) {
    return new Setting<>(
        variable, aliases, Optional.of(option), type, fallback, doc, secret, parser);
  }

  Setting<T> withDefault(String text) {
    return new Setting<>(variable, aliases, flag, type, Optional.of(text), doc, secret, parser);
  }

  Setting<T> withType(String words) {
    return new Setting<>(variable, aliases, flag, words, fallback, doc, secret, parser);
  }

  Setting<T> masked() {
    return new Setting<>(variable, aliases, flag, type, fallback, doc, true, parser);
  }

  /** Every name the setting is read under, the variable first. */
  public List<String> names() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(variable), aliases.stream())
        .toList();
  }
}
