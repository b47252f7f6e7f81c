package dev.destill.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Setting;
import dev.destill.app.config.Settings;
import dev.destill.app.output.Format;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.kafka.KafkaBroker;
import dev.destill.store.postgres.PostgresFindingStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code destill config}: every setting, where its value came from, and what it can reach. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Prints every setting by its environment variable, with its effective value and where it"
          + " came from (tokens masked), then checks what it can reach: the history is writable,"
          + " the CI tokens are set, Kafka and PostgreSQL answer (when configured).",
      "--format prints text or json. Exits 3 when a check of something configured fails."
    })
public final class ConfigCommand implements Callable<Integer> {
  /** How long a reachability check may take. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

  /** The outcome of one check. */
  enum Outcome {
    OK,
    MISSING,
    FAILED,
    SKIPPED
  }

  record Check(String what, Outcome outcome, String detail) {}

  @Spec CommandSpec spec;

  @Mixin CommonOptions common;

  @Mixin FormatOption formatOption;

  @Option(names = "--no-check", description = "Only print the settings; reach nothing.")
  boolean noCheck;

  private final Services services;

  public ConfigCommand(Services services) {
    this.services = services;
  }

  @Override
  public Integer call() throws IOException {
    Format format = formatOption.require(Format.TEXT, Format.JSON);
    Settings settings = services.settings();
    List<Check> checks = noCheck ? List.of() : checks(settings);
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.JSON) {
      writeJson(settings, checks, out);
    } else {
      writeText(settings, checks, out);
    }
    out.flush();
    return checks.stream().anyMatch(c -> c.outcome() == Outcome.FAILED)
        ? ExitCodes.INPUT
        : ExitCodes.OK;
  }

  private List<Check> checks(Settings settings) {
    List<Check> checks = new ArrayList<>();
    Optional<String> postgres = setting(settings, Settings.POSTGRES, checks);
    if (postgres.isPresent()) {
      checks.add(
          PostgresFindingStore.probe(postgres.get(), CHECK_TIMEOUT)
              .map(e -> new Check("history (PostgreSQL)", Outcome.FAILED, e))
              .orElse(new Check("history (PostgreSQL)", Outcome.OK, "PostgreSQL answers")));
    } else {
      Path file = services.historyFile();
      checks.add(
          writable(file)
              ? new Check("history", Outcome.OK, file + " is writable")
              : new Check("history", Outcome.FAILED, file + " cannot be written"));
    }
    for (Setting<String> token :
        List.of(Settings.BUILDKITE_TOKEN, Settings.GITHUB_TOKEN, Settings.GITLAB_TOKEN)) {
      checks.add(
          settings.isSet(token)
              ? new Check(token.variable(), Outcome.OK, "set")
              : new Check(token.variable(), Outcome.MISSING, "not set: " + token.doc()));
    }
    Optional<String> kafka = setting(settings, Settings.KAFKA, checks);
    if (kafka.isPresent()) {
      checks.add(
          KafkaBroker.probe(kafka.get(), CHECK_TIMEOUT)
              .map(e -> new Check("Kafka", Outcome.FAILED, e))
              .orElse(new Check("Kafka", Outcome.OK, "Kafka at " + kafka.get() + " answers")));
    } else {
      checks.add(new Check("Kafka", Outcome.SKIPPED, "not configured (distributed mode only)"));
    }
    for (Setting<?> s : Settings.ALL) {
      try {
        settings.find(s);
      } catch (DestillException e) {
        checks.add(new Check(s.variable(), Outcome.FAILED, e.getMessage()));
      }
    }
    return checks;
  }

  private static Optional<String> setting(
      Settings settings, Setting<String> setting, List<Check> checks) {
    try {
      return settings.find(setting);
    } catch (DestillException e) {
      checks.add(new Check(setting.variable(), Outcome.FAILED, e.getMessage()));
      return Optional.empty();
    }
  }

  /** A file can be written when it is, or when the nearest folder that exists can be. */
  static boolean writable(Path file) {
    if (Files.exists(file)) {
      return Files.isRegularFile(file) && Files.isWritable(file);
    }
    Path dir = file.toAbsolutePath().getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    return dir != null && Files.isDirectory(dir) && Files.isWritable(dir);
  }

  private static void writeText(Settings settings, List<Check> checks, PrintWriter out) {
    out.printf(Locale.ROOT, "%-22s %-40s %s%n", "SETTING", "VALUE", "SOURCE");
    for (Setting<?> s : Settings.ALL) {
      out.printf(
          Locale.ROOT,
          "%-22s %-40s %s%n",
          s.variable(),
          settings.shown(s),
          settings.raw(s).source().describe());
    }
    if (checks.isEmpty()) {
      return;
    }
    out.println();
    for (Check c : checks) {
      out.printf(
          Locale.ROOT,
          "%-8s %-20s %s%n",
          c.outcome().name().toLowerCase(Locale.ROOT),
          c.what(),
          c.detail());
    }
  }

  private static void writeJson(Settings settings, List<Check> checks, PrintWriter out)
      throws IOException {
    JsonGenerator g = new JsonFactory().createGenerator(out);
    g.useDefaultPrettyPrinter();
    g.writeStartObject();
    g.writeArrayFieldStart("settings");
    for (Setting<?> s : Settings.ALL) {
      g.writeStartObject();
      g.writeStringField("name", s.variable());
      if (settings.raw(s).text().isPresent()) {
        g.writeStringField("value", settings.shown(s));
      } else {
        g.writeNullField("value");
      }
      g.writeStringField("source", settings.raw(s).source().describe());
      g.writeStringField("type", s.type());
      g.writeStringField("doc", s.doc());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("checks");
    for (Check c : checks) {
      g.writeStartObject();
      g.writeStringField("check", c.what());
      g.writeStringField("outcome", c.outcome().name().toLowerCase(Locale.ROOT));
      g.writeStringField("detail", c.detail());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.flush();
    out.println();
  }
}
