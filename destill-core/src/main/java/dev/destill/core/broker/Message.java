package dev.destill.core.broker;

import java.util.Objects;
import java.util.Optional;

/**
 * One message as consumed: where it came from, its key and its value. A value published as an
 * {@link Encodable} to a broker that keeps it in process comes back as that object ({@link
 * #carried}), and its bytes are made only if someone asks for {@link #value}. Not thread-safe: one
 * consumer reads it.
 */
public final class Message {
  private final String topic;
  private final int partition;
  private final long offset;
  private final String key;
  private final Encodable carried;
  private byte[] value;

  /** A message read as bytes. */
  public Message(String topic, int partition, long offset, String key, byte[] value) {
    this(topic, partition, offset, key, Objects.requireNonNull(value, "value"), null);
  }

  /** A message carried as the object published; its bytes are encoded when asked for. */
  public Message(String topic, int partition, long offset, String key, Encodable carried) {
    this(topic, partition, offset, key, null, Objects.requireNonNull(carried, "carried"));
  }

  private Message(
      String topic, int partition, long offset, String key, byte[] value, Encodable carried) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.key = Objects.requireNonNull(key, "key");
    this.partition = partition;
    this.offset = offset;
    this.value = value;
    this.carried = carried;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  public String key() {
    return key;
  }

  /** The value's bytes; for a carried value, encoded on first call. */
  public byte[] value() {
    if (value == null) {
      value = carried.encode();
    }
    return value;
  }

  /** The object published, when the broker carried it in process; empty for bytes. */
  public Optional<Encodable> carried() {
    return Optional.ofNullable(carried);
  }

  @Override
  public String toString() {
    return "Message[" + topic + "/" + partition + "@" + offset + ", key=" + key + "]";
  }
}
