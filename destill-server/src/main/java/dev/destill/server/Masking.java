package dev.destill.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The one place that keeps the server's own secrets (tokens and webhook secrets) out of what it
 * answers and logs: each configured value is replaced by {@code ***} wherever it appears.
 * Thread-safe.
 */
final class Masking {
  private final List<String> secrets;

  Masking(ServerSettings s) {
    List<String> all = new ArrayList<>();
    for (Optional<String> v :
        List.of(
            s.writeToken(),
            s.readToken(),
            s.githubSecret(),
            s.buildkiteSecret(),
            s.buildkiteToken(),
            s.gitlabToken(),
            s.keystorePassword())) {
      // Very short values would mask ordinary words; they are refused as tokens anyway.
      v.filter(x -> x.length() >= 4).ifPresent(all::add);
    }
    all.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(all);
  }

  String mask(String text) {
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "***");
    }
    return out;
  }
}
