package dev.destill.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {
  @Test
  void shouldServeClientsOnItsBootstrapAddress() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
    }
    assertThat(EmbeddedKafka.shared()).isSameAs(kafka);
  }
}
