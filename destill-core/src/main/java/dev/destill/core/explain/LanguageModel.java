package dev.destill.core.explain;

import java.util.function.Consumer;

/**
 * The port to a chat model. Implementations send {@link Prompt#system()} and {@link Prompt#user()}
 * and parse the structured answer; they retry what is worth retrying within their own budget and
 * throw {@link dev.destill.core.DestillException} with one actionable line when they give up.
 * Implementations are thread-safe.
 */
public interface LanguageModel {
  /** The model name requests go to; part of the cache key. */
  String model();

  /**
   * Asks the model.
   *
   * @param prompt what to send
   * @param onText receives the answer's text as it streams in (may never be called)
   */
  ModelAnswer complete(Prompt prompt, Consumer<String> onText);
}
