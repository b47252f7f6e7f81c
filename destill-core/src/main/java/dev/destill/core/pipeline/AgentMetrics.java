package dev.destill.core.pipeline;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * What an agent reports about its work, for a metrics endpoint. Implementations are thread-safe and
 * cheap: agents call them for every message.
 */
public interface AgentMetrics {
  /** Reports nothing. */
  AgentMetrics NONE = new AgentMetrics() {};

  /** {@code n} messages were consumed from {@code topic}. */
  default void messagesIn(String topic, int n) {}

  /** {@code n} messages were published to {@code topic}. */
  default void messagesOut(String topic, int n) {}

  /** A message could not be processed; {@code kind} is a short reason such as {@code poison}. */
  default void error(String kind) {}

  /** One batch (a poll's messages, or one sink write) took {@code latency}. */
  default void batch(Duration latency) {}

  /**
   * Messages of {@code topic} waiting for this agent's consumer group; empty when the lag cannot be
   * read (the broker is away) or is no longer read (the agent stopped).
   */
  default void lag(String topic, OptionalLong messages) {}
}
