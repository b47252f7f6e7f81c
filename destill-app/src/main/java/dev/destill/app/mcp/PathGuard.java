package dev.destill.app.mcp;

import dev.destill.core.DestillException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Which local files the MCP tools may read: those under the folders the user allowed in {@value
 * #ENV} (separated by {@code :}, or {@code ;} on Windows); when that is not set, those under the
 * client's roots (the MCP roots capability); when the client names none, those under the server's
 * working directory. Paths are compared after resolving symbolic links, so a link inside an allowed
 * folder cannot lead out of it. Thread-safe.
 */
public final class PathGuard {
  /** The environment variable that lists the folders the MCP server may read. */
  public static final String ENV = "DESTILL_MCP_ROOTS";

  private final List<Path> userRoots;
  private final Path workingDir;
  private volatile Supplier<List<URI>> clientRoots = List::of;

  PathGuard(List<Path> userRoots, Path workingDir) {
    this.userRoots = userRoots.stream().map(PathGuard::real).toList();
    this.workingDir = real(workingDir);
  }

  /** The guard the environment asks for; {@code workingDir} is the default root. */
  public static PathGuard fromEnv(Map<String, String> env, Path workingDir) {
    return of(env.getOrDefault(ENV, ""), workingDir);
  }

  /**
   * The guard of the folders in {@code value} (as {@value #ENV} gives them; blank for none), with
   * {@code workingDir} as the default root.
   */
  public static PathGuard of(String value, Path workingDir) {
    List<Path> roots = new ArrayList<>();
    for (String part : value.split(File.pathSeparator)) {
      if (!part.isBlank()) {
        Path p = Path.of(part.strip());
        if (!p.isAbsolute()) {
          throw new DestillException.BadInput(
              ENV
                  + " takes absolute folders separated by '"
                  + File.pathSeparator
                  + "', was "
                  + part);
        }
        roots.add(p);
      }
    }
    return new PathGuard(roots, workingDir);
  }

  /** Where the client's roots come from (asked for when a path is checked). */
  public void clientRoots(Supplier<List<URI>> roots) {
    clientRoots = roots;
  }

  /** The folders in force now. */
  public List<Path> roots() {
    if (!userRoots.isEmpty()) {
      return userRoots;
    }
    List<Path> fromClient = new ArrayList<>();
    for (URI uri : clientRoots.get()) {
      if ("file".equalsIgnoreCase(uri.getScheme())) {
        try {
          fromClient.add(real(Path.of(uri)));
        } catch (IllegalArgumentException e) {
          // Not a local folder: it cannot allow a local path.
        }
      }
    }
    return fromClient.isEmpty() ? List.of(workingDir) : fromClient;
  }

  /**
   * {@code path} (relative to the working directory) when it lies under an allowed folder, and so
   * does every file under it when it is a directory.
   *
   * @throws DestillException.BadInput naming the allowed folders otherwise
   */
  public Path check(String path) {
    List<Path> roots = roots();
    Path p = workingDir.resolve(path).toAbsolutePath().normalize();
    // Judged by name first, so that nothing outside is even looked at.
    if (!within(p, roots)) {
      throw refused(path, roots);
    }
    if (!Files.exists(p)) {
      return p;
    }
    Path r = real(p);
    if (!within(r, roots)) {
      throw refused(path, roots);
    }
    if (Files.isDirectory(r)) {
      try (Stream<Path> walk = Files.walk(r)) {
        walk.filter(Files::isRegularFile)
            .forEach(
                f -> {
                  if (!within(real(f), roots)) {
                    throw refused(f.toString(), roots);
                  }
                });
      } catch (IOException | UncheckedIOException e) {
        // The analysis itself reports a folder that cannot be listed.
      }
    }
    return p;
  }

  private static boolean within(Path p, List<Path> roots) {
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return true;
      }
    }
    return false;
  }

  private static DestillException.BadInput refused(String path, List<Path> roots) {
    return new DestillException.BadInput(
        path
            + " is outside the folders this server may read ("
            + String.join(", ", roots.stream().map(Path::toString).toList())
            + "); add its folder to the client's roots or to "
            + ENV);
  }

  private static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (IOException e) {
      return abs;
    }
  }
}
