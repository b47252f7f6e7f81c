package dev.destill.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.BrokerContractTest;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT extends BrokerContractTest {
  @Override
  protected Broker newBroker() {
    return KafkaBroker.connect(EmbeddedKafka.shared().bootstrapServers(), Map.of());
  }

  @Test
  void shouldFailWithARetriableErrorNamingTheAddressWhenNoBrokerListens() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    long start = System.nanoTime();

    assertThatThrownBy(() -> KafkaBroker.connect(address, Map.of("requests", 2)))
        .isInstanceOf(DestillException.Retriable.class)
        .hasMessageContaining(address)
        .hasMessageContaining("DESTILL_KAFKA_BROKERS")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void shouldCreateDeclaredTopicsAndCarryMessagesOfTwoMebibytesLess() {
    String topic = unique("chunks");
    byte[] chunk = new byte[1024 * 1024 + 512 * 1024];
    chunk[chunk.length - 1] = 42;
    try (KafkaBroker kafka =
        KafkaBroker.connect(EmbeddedKafka.shared().bootstrapServers(), Map.of(topic, 3))) {
      kafka.publish(topic, "chunk", chunk);
      kafka.flush(DEADLINE);

      try (Subscription s = kafka.subscribe(topic, unique("group"))) {
        assertThat(pollUntil(s, 1)).singleElement().extracting(Message::value).isEqualTo(chunk);
      }
    }
  }
}
