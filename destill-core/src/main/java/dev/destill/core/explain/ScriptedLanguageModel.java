package dev.destill.core.explain;

import dev.destill.core.DestillException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link LanguageModel} in memory that answers from a script: for local tests and for runs
 * without a model server. It remembers every prompt it got. Thread-safe.
 */
public final class ScriptedLanguageModel implements LanguageModel {
  private final String model;
  private final Deque<Function<Prompt, ModelAnswer>> script = new ArrayDeque<>();
  private final List<Prompt> received = new ArrayList<>();

  public ScriptedLanguageModel(String model) {
    this.model = model;
  }

  /** Queues an answer. */
  public synchronized ScriptedLanguageModel answer(Function<Prompt, ModelAnswer> next) {
    script.add(next);
    return this;
  }

  /** Queues a failure with this one-line message. */
  public synchronized ScriptedLanguageModel fail(String message) {
    script.add(
        p -> {
          throw new DestillException(message);
        });
    return this;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public synchronized ModelAnswer complete(Prompt prompt, Consumer<String> onText) {
    received.add(prompt);
    Function<Prompt, ModelAnswer> next = script.poll();
    if (next == null) {
      throw new DestillException("the scripted model has no answer left");
    }
    ModelAnswer a = next.apply(prompt);
    onText.accept(a.rootCause());
    return a;
  }

  /** The prompts it got, oldest first. */
  public synchronized List<Prompt> received() {
    return List.copyOf(received);
  }
}
