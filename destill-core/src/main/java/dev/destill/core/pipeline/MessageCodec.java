package dev.destill.core.pipeline;

import dev.destill.core.broker.Encodable;
import dev.destill.core.broker.Message;
import java.util.Objects;

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

  /**
   * {@code message} as a value to publish: an in-process broker carries the object itself, one that
   * leaves the process sends this codec's bytes. So local mode encodes nothing.
   */
  default Encodable carry(PipelineMessage message) {
    return new Carried(message, this);
  }

  /**
   * Reads a consumed message: the object itself when the broker carried it in process, else the
   * decoded bytes.
   *
   * @throws PoisonMessageException when the bytes are not a message this version can read
   */
  default PipelineMessage read(Message message) {
    if (message.carried().isPresent() && message.carried().get() instanceof Carried c) {
      return c.message();
    }
    return decode(message.value());
  }

  /** A pipeline message published as it is, with the codec that encodes it if it must. */
  record Carried(PipelineMessage message, MessageCodec codec) implements Encodable {
    public Carried {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(codec, "codec");
    }

    @Override
    public byte[] encode() {
      return codec.encode(message);
    }
  }
}
