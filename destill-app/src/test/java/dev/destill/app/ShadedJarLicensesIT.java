package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar keeps the license and notice files of every library shaded into it: for each jar
 * on the classpath whose classes are in {@code destill.jar}, each of its top-level LICENSE and
 * NOTICE files must be found, whole, in the file of the same name in {@code destill.jar}.
 */
class ShadedJarLicensesIT {
  private static final Pattern LEGAL =
      Pattern.compile("(META-INF/)?(LICENSE|NOTICE)(\\.txt|\\.md)?", Pattern.CASE_INSENSITIVE);

  @Test
  void shouldKeepTheLicensesAndNoticesOfEveryShadedLibrary() throws IOException {
    Path jar = Path.of("target", "destill.jar");
    List<String> checked = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try (ZipFile shaded = new ZipFile(jar.toFile())) {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        if (!entry.endsWith(".jar") || !new File(entry).isFile()) {
          continue;
        }
        try (ZipFile library = new ZipFile(entry)) {
          if (!shadedInto(library, shaded)) {
            continue;
          }
          for (ZipEntry legal : legalFiles(library)) {
            String name = new File(entry).getName() + "!" + legal.getName();
            checked.add(name);
            String theirs = squash(read(library, legal));
            String ours =
                Optional.ofNullable(shaded.getEntry(legal.getName()))
                    .map(e -> squash(read(shaded, e)))
                    .orElse("");
            if (!ours.contains(theirs)) {
              missing.add(name);
            }
          }
        }
      }
    }
    assertThat(checked).as("legal files of shaded libraries").isNotEmpty();
    assertThat(missing).as("legal files lost in destill.jar").isEmpty();
  }

  /** Whether the library's first class is in the shaded jar. */
  private static boolean shadedInto(ZipFile library, ZipFile shaded) {
    Enumeration<? extends ZipEntry> entries = library.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      if (name.endsWith(".class")
          && !name.startsWith("META-INF/")
          && !name.endsWith("module-info.class")) {
        return shaded.getEntry(name) != null;
      }
    }
    return false;
  }

  private static List<ZipEntry> legalFiles(ZipFile library) {
    List<ZipEntry> out = new ArrayList<>();
    library.stream()
        .filter(e -> !e.isDirectory() && LEGAL.matcher(e.getName()).matches())
        .forEach(out::add);
    return out;
  }

  private static String read(ZipFile zip, ZipEntry e) {
    try (InputStream in = zip.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
  }

  /** Whitespace folded, so that line endings and indentation do not matter. */
  private static String squash(String s) {
    return s.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
  }
}
