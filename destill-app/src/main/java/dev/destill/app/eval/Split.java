package dev.destill.app.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The held-out split: about a third of the repositories of a case set, chosen once at random with
 * the fixed {@link #SEED}, so that rules and weights tuned on the rest can be judged on
 * repositories they never saw. A repository is wholly in or wholly out.
 */
public final class Split {
  /** The seed the held-out repositories were drawn with (written down in docs/accuracy.md). */
  public static final long SEED = 20261202L;

  private Split() {}

  /** The held-out repositories among those of {@code cases}. */
  public static Set<String> heldOut(List<EvalCase> cases) {
    TreeSet<String> repos = new TreeSet<>();
    for (EvalCase c : cases) {
      repos.add(c.repository());
    }
    List<String> shuffled = new ArrayList<>(repos);
    Collections.shuffle(shuffled, new Random(SEED));
    return Set.copyOf(shuffled.subList(0, (int) Math.round(shuffled.size() / 3.0)));
  }
}
