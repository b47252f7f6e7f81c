package dev.destill.app.rules;

import dev.destill.core.DestillException;
import dev.destill.core.engine.Catalogue;
import dev.destill.core.engine.CatalogueReader;
import dev.destill.core.engine.Rules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A team's known causes: {@code .destill/rules.yaml} in the working directory (the repository) and
 * {@code rules.yaml} in the user config dir ({@code $XDG_CONFIG_HOME/destill} or {@code
 * ~/.config/destill}), in the catalogue format of docs/rules.md, tried before the built-in rules.
 */
public final class UserRules {
  private UserRules() {}

  /** The rule files that exist, repository first; {@code configDir} is the user config folder. */
  public static List<Path> files(Path configDir, Path workingDir) {
    List<Path> out = new ArrayList<>();
    Path repo = workingDir.resolve(".destill").resolve("rules.yaml");
    if (Files.isRegularFile(repo)) {
      out.add(repo);
    }
    Path config = configDir.resolve("rules.yaml");
    if (Files.isRegularFile(config)) {
      out.add(config);
    }
    return out;
  }

  /** Reads one rule file as a user's known causes. */
  public static Catalogue read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return CatalogueReader.read(in, file.toString(), true);
    } catch (IOException e) {
      throw new DestillException.BadInput("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The built-in rules with the known causes of {@code files} first. */
  public static Rules rules(List<Path> files) {
    Rules rules = Rules.standard();
    for (Path f : files) {
      rules = rules.withUserRules(read(f));
    }
    return rules;
  }
}
