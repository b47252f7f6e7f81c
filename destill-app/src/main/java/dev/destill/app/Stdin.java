package dev.destill.app;

import dev.destill.core.DestillException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells a closed standard input from an empty one. When a process starts with descriptor 0 closed
 * ({@code destill analyze - <&-}), the JVM's first open file takes that descriptor, and reading
 * "standard input" would read the JDK's own files. Stateless.
 */
final class Stdin {
  private Stdin() {}

  /**
   * @throws DestillException.BadInput when standard input is closed or not usable
   */
  static void requireOpen() {
    Path fd0 = Path.of("/proc/self/fd/0");
    Path proc = Path.of("/proc/self/fd");
    if (!Files.isDirectory(proc)) {
      return; // No /proc (macOS, Windows): nothing to tell it by.
    }
    Optional<Path> target;
    try {
      target = Optional.of(Files.readSymbolicLink(fd0));
    } catch (IOException | UnsupportedOperationException e) {
      target = Optional.empty();
    }
    if (closed(target, Path.of(System.getProperty("java.home")))) {
      throw new DestillException.BadInput(
          "standard input is closed: pipe a log into 'destill analyze -' or give a file");
    }
  }

  /** Closed when descriptor 0 is missing, or is one of the JDK's files the JVM opened there. */
  static boolean closed(Optional<Path> fd0Target, Path javaHome) {
    if (fd0Target.isEmpty()) {
      return true;
    }
    Path t = fd0Target.get();
    return t.isAbsolute() && t.normalize().startsWith(javaHome.toAbsolutePath().normalize());
  }
}
