package dev.destill.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.analyze.BrokerBaselines;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import dev.destill.core.pipeline.PipelineMessage.BaselinePart;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.AbstractBaselinesTest;
import dev.destill.core.store.Baselines;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Baselines read from the baselines topic, as an analyze agent process reads them from Kafka, here
 * over the in-memory broker with the wire codec.
 */
class BrokerBaselinesTest extends AbstractBaselinesTest {
  private final MessageJson codec = new MessageJson();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private InMemoryBroker broker() {
    InMemoryBroker broker = new InMemoryBroker(2, 1000);
    open.add(broker);
    return broker;
  }

  private BrokerBaselines start(InMemoryBroker broker, BrokerBaselines.Settings settings)
      throws InterruptedException {
    BrokerBaselines b =
        new BrokerBaselines(broker, codec, "it-baselines", settings, Clock.systemUTC());
    open.add(0, b);
    Thread t = new Thread(b, "baselines");
    t.setDaemon(true);
    t.start();
    assertThat(b.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
    return b;
  }

  private void publish(InMemoryBroker broker, String requestId, JobInfo job, LineTemplates t) {
    // Encoded, as they cross a process boundary on Kafka.
    for (BaselinePart p : BaselinePart.of(requestId, job.id(), t.toBytes())) {
      broker.publish(Topics.BASELINES, requestId, codec.encode(p));
    }
  }

  @Override
  protected Baselines with(String requestId, Map<JobInfo, LineTemplates> given) {
    InMemoryBroker broker = broker();
    given.forEach((job, t) -> publish(broker, requestId, job, t));
    try {
      return start(broker, BrokerBaselines.Settings.DEFAULT);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldFindASetPublishedAfterTheChunkAskedForIt() throws Exception {
    InMemoryBroker broker = broker();
    BrokerBaselines b = start(broker, BrokerBaselines.Settings.DEFAULT);
    List<Baselines.Lookup> got = new ArrayList<>();
    Thread asking = new Thread(() -> got.add(b.templates("req-1", FAILED, set(FAILED))));
    asking.start();
    publish(broker, "req-1", FAILED, templates("ok"));
    asking.join();
    assertThat(found(got.get(0)).match("ok")).isEqualTo(LineTemplates.Match.KNOWN);
  }

  @Test
  void shouldLookNoFurtherForAJobWhoseChunkNamesNoSet() throws Exception {
    InMemoryBroker broker = broker();
    publish(broker, "req-1", FAILED, templates("ok"));
    BrokerBaselines b = start(broker, BrokerBaselines.Settings.DEFAULT);
    assertThat(b.templates("req-1", FAILED, Optional.empty())).isEqualTo(Baselines.Lookup.ABSENT);
  }

  @Test
  void shouldGiveUpOnAnAnnouncedBaselineThatNeverArrivesAndSaySo() throws Exception {
    BrokerBaselines b =
        start(
            broker(),
            new BrokerBaselines.Settings(Duration.ofMillis(50), 64L << 20, Duration.ofHours(1)));
    Baselines.Lookup l = b.templates("req-1", FAILED, set(FAILED));
    assertThat(l).isInstanceOf(Baselines.Lookup.Unavailable.class);
    assertThat(((Baselines.Lookup.Unavailable) l).reason())
        .isEqualTo(
            "test (ubuntu, 21): its baseline did not arrive within 50 ms on destill.baselines;"
                + " it was analyzed without one");
  }

  @Test
  void shouldStillGiveASetThatCameAfterAChunkGaveUpOnIt() throws Exception {
    InMemoryBroker broker = broker();
    BrokerBaselines b =
        start(
            broker,
            new BrokerBaselines.Settings(Duration.ofMillis(50), 64L << 20, Duration.ofHours(1)));
    assertThat(b.templates("req-1", FAILED, set(FAILED)))
        .isInstanceOf(Baselines.Lookup.Unavailable.class);
    publish(broker, "req-1", FAILED, templates("ok"));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.templates("req-1", FAILED, set(FAILED)) instanceof Baselines.Lookup.Found);
    assertThat(b.reading()).isTrue();
    b.close();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !b.reading());
  }

  @Test
  void shouldDropTheSetsOfARequestOnceItIsComplete() throws Exception {
    InMemoryBroker broker = broker();
    publish(broker, "req-1", FAILED, templates("ok"));
    publish(broker, "req-2", FAILED, templates("fine"));
    BrokerBaselines b =
        start(
            broker,
            new BrokerBaselines.Settings(Duration.ofMillis(50), 64L << 20, Duration.ofHours(1)));
    assertThat(b.templates("req-1", FAILED, set(FAILED)))
        .isInstanceOf(Baselines.Lookup.Found.class);
    broker.publish(
        Topics.COMPLETED,
        "req-1",
        codec.encode(
            new dev.destill.core.pipeline.PipelineMessage.RequestCompleted(
                "req-1", java.time.Instant.EPOCH)));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                b.templates("req-1", FAILED, set(FAILED)) instanceof Baselines.Lookup.Unavailable);
    assertThat(b.templates("req-2", FAILED, set(FAILED)))
        .isInstanceOf(Baselines.Lookup.Found.class);
  }

  @Test
  void shouldSkipARecordThatIsNoBaselinePartAndKeepReading() throws Exception {
    InMemoryBroker broker = broker();
    broker.publish(Topics.BASELINES, "req-1", "{not json".getBytes());
    publish(broker, "req-1", FAILED, templates("ok"));
    BrokerBaselines b = start(broker, BrokerBaselines.Settings.DEFAULT);
    assertThat(found(b.templates("req-1", FAILED, set(FAILED))).match("ok"))
        .isEqualTo(LineTemplates.Match.KNOWN);
  }
}
