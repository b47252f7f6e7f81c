package dev.destill.provider.internal;

import dev.destill.core.provider.PassingBuild;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How every provider looks for the last green build of a failed one: the newest passing build on
 * the failed build's branch, else, when that has none and is not the default branch, the newest on
 * the default branch. Each branch is asked about once. Thread-safe.
 */
public final class LastGreen {
  /** Builds asked for per branch: the newest passing ones, one page, the failed build skipped. */
  public static final int PER_PAGE = 20;

  private LastGreen() {}

  /**
   * The last green build.
   *
   * @param branch the failed build's branch; empty when it ran on none (a tag, a detached ref)
   * @param defaultBranch the default branch, asked for only when the branch has no green build
   * @param newestOn the web URL of the newest green build on a branch, other than the failed one
   */
  public static Optional<PassingBuild> find(
      String branch, Supplier<String> defaultBranch, Function<String, Optional<String>> newestOn) {
    String b = clean(branch);
    if (!b.isEmpty()) {
      Optional<String> url = newestOn.apply(b);
      if (url.isPresent()) {
        return Optional.of(new PassingBuild(url.get(), b, false));
      }
    }
    String main = clean(defaultBranch.get());
    if (main.isEmpty() || main.equals(b)) {
      return Optional.empty();
    }
    return newestOn.apply(main).map(url -> new PassingBuild(url, main, true));
  }

  /**
   * A branch name from API data as it may be shown and sent back: control characters (which no git
   * ref holds, and which would forge lines in output) make it no branch at all.
   */
  static String clean(String branch) {
    if (branch == null) {
      return "";
    }
    String b = branch.strip();
    for (int i = 0; i < b.length(); i++) {
      if (Character.isISOControl(b.charAt(i))) {
        return "";
      }
    }
    return b;
  }

  /** Whether {@code id} from API data is a plain number, fit to go into a URL. */
  public static boolean isNumber(String id) {
    return id.matches("\\d{1,19}");
  }
}
