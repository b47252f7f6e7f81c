package dev.destill.core.insight;

import dev.destill.core.broker.Broker;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage.RequestCompleted;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestStatus;
import dev.destill.core.store.StoreBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Told of each batch the sink stored, announces on {@link Topics#COMPLETED} the requests of the
 * batch that are now complete, for the explain agent. A request may be announced twice (a batch
 * stored again after a restart); the explain agent skips what is explained. Thread-safe.
 */
public final class CompletionAnnouncer implements Consumer<StoreBatch> {
  private final Broker broker;
  private final MessageCodec codec;
  private final FindingStore store;
  private final Clock clock;

  public CompletionAnnouncer(Broker broker, MessageCodec codec, FindingStore store, Clock clock) {
    this.broker = broker;
    this.codec = codec;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void accept(StoreBatch batch) {
    Set<String> touched = new LinkedHashSet<>();
    for (RequestEvent e : batch.events()) {
      touched.add(e.requestId());
    }
    boolean any = false;
    for (String id : touched) {
      if (store.status(id).map(s -> s == RequestStatus.COMPLETE).orElse(false)) {
        broker.publish(
            Topics.COMPLETED, id, codec.carry(new RequestCompleted(id, clock.instant())));
        any = true;
      }
    }
    if (any) {
      broker.flush(Duration.ofSeconds(30));
    }
  }
}
