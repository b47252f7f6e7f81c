package dev.destill.core.pipeline;

import dev.destill.core.broker.Message;

/** Turns pipeline messages into bytes and back. Implementations are thread-safe. */
public interface MessageCodec {

  byte[] encode(PipelineMessage message);

  /**
   * Reads a message.
   *
   * @throws PoisonMessageException when the bytes are not a message this version can read
   */
  PipelineMessage decode(byte[] bytes);

  /** The dead-letter record for a message no agent could process, saying why. */
  byte[] deadLetter(Message original, String reason);
}
