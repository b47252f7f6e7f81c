package dev.destill.app;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real command line in-process and captures what it prints. */
public final class CliRunner {
  public record Result(int exitCode, String out, String err) {}

  public static Result run(String... args) {
    return runWithStdin(new byte[0], args);
  }

  /** Every test run keeps its history in a temporary folder, never in the user's. */
  static final java.nio.file.Path HOME;

  static {
    try {
      HOME = java.nio.file.Files.createTempDirectory("destill-test-home");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static java.util.Map<String, String> env() {
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("DESTILL_HOME", HOME.toString());
    env.remove("DESTILL_POSTGRES_URL");
    env.remove("POSTGRES_DSN");
    return env;
  }

  public static Result runWithStdin(byte[] stdin, String... args) {
    return runWith(java.util.Map.of(), stdin, args);
  }

  /**
   * Runs with {@code extraEnv} on top of the test environment, for instance the cluster's
   * DESTILL_KAFKA_BROKERS and DESTILL_POSTGRES_URL or a provider's API URL and token.
   */
  public static Result runWithEnv(java.util.Map<String, String> extraEnv, String... args) {
    return runWith(extraEnv, new byte[0], args);
  }

  private static synchronized Result runWith(
      java.util.Map<String, String> extraEnv, byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.util.Map<String, String> env = env();
    env.putAll(extraEnv);
    CommandLine cl = Cli.commandLine(env);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    InputStream before = System.in;
    System.setIn(new ByteArrayInputStream(stdin));
    try {
      int code = cl.execute(args);
      return new Result(code, out.toString(), err.toString());
    } finally {
      System.setIn(before);
    }
  }

  private CliRunner() {}
}
