package dev.destill.core.broker;

import java.util.Objects;

/** One message as consumed: where it came from and its key and value. */
public record Message(String topic, int partition, long offset, String key, byte[] value) {
  public Message {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
