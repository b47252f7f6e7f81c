package dev.destill.app.config;

/** Where the value of a setting came from, for messages and {@code destill config}. */
public sealed interface Source {
  /** How the source reads in a message: "DESTILL_KAFKA_PARTITIONS in the environment". */
  String describe();

  /** An environment variable: the setting's own or one of its aliases. */
  record Environment(String variable) implements Source {
    @Override
    public String describe() {
      return variable + " in the environment";
    }
  }

  /** A command-line option. */
  record Flag(String option) implements Source {
    @Override
    public String describe() {
      return "the option " + option;
    }
  }

  /** Nothing set it: the default (possibly derived from other variables, as said). */
  record Default(String how) implements Source {
    @Override
    public String describe() {
      return how.isEmpty() ? "default" : "default, " + how;
    }
  }

  /** Nothing set it and it has no default. */
  record Unset() implements Source {
    @Override
    public String describe() {
      return "not set";
    }
  }
}
