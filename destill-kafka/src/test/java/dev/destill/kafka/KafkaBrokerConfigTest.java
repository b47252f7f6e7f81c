package dev.destill.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaBrokerConfigTest {
  @Test
  void shouldNeverTimeOutAProduceRequestThatALoadedBrokerIsStillAppending() {
    // With 5 s, a loaded broker's late answer made the idempotent producer resend a batch behind
    // its successors: OutOfOrderSequenceException, then "Expiring N record(s)" after 30 s.
    Map<String, Object> producer = KafkaBroker.producerConfig("127.0.0.1:9092");
    int request = (int) producer.get(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
    int delivery = (int) producer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    int linger = (int) producer.get(ProducerConfig.LINGER_MS_CONFIG);

    assertThat(request).isGreaterThanOrEqualTo(30_000);
    assertThat(delivery).isGreaterThanOrEqualTo(request + linger);
    // Order per key through retries comes from one request in flight, not from idempotence, whose
    // sequence a new topic could break for good (OutOfOrderSequenceException until expiry).
    assertThat(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(false);
    assertThat(producer.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).isEqualTo(1);
  }

  @Test
  void shouldTakeTheMaxPollIntervalItIsGiven() {
    Map<String, Object> consumer =
        KafkaBroker.consumerConfig("127.0.0.1:9092", "g", 1, Duration.ofSeconds(3));
    assertThat(consumer.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)).isEqualTo(3000);
    assertThat(consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo(false);
  }
}
