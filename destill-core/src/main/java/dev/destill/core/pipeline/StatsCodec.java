package dev.destill.core.pipeline;

import dev.destill.core.stats.LineCount;
import java.util.List;

/** Turns batches of line counts into the bytes of {@link Topics#STATS} and back. Thread-safe. */
public interface StatsCodec {
  byte[] encode(List<LineCount> counts);

  /**
   * @throws PoisonMessageException when the bytes are not a batch of counts this code reads
   */
  List<LineCount> decode(byte[] value);
}
