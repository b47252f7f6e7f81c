package dev.destill.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.core.store.StoreBatch;
import dev.destill.server.ServerMetrics;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The analyses of a local server page through the whole store, not only its newest few. */
class LocalAnalysesPagingTest {
  private static final int STORED = 10_000;

  @Test
  void shouldPageThroughTenThousandStoredAnalyses() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    InMemoryFindingStore store = new InMemoryFindingStore(Clock.fixed(start, ZoneOffset.UTC));
    List<RequestEvent> events = new ArrayList<>();
    for (int i = 0; i < STORED; i++) {
      String id = String.format("req-%05d", i);
      String url =
          (i % 2 == 0 ? "https://github.com/acme/shop" : "https://github.com/acme/web")
              + "/actions/runs/"
              + i;
      events.add(new RequestEvent.Submitted(id, url, start.plusSeconds(i)));
    }
    store.apply(new StoreBatch(List.of(), events));
    try (LocalAnalyses a =
        new LocalAnalyses(List.of(), store, new ServerMetrics(), Clock.systemUTC(), 1, 10)) {
      List<Listing> first = a.recent(new Query("", "", "", Optional.empty(), 0, 26));
      assertThat(first).hasSize(26);
      assertThat(first.getFirst().requestId()).isEqualTo("req-09999");

      List<Listing> last = a.recent(new Query("", "", "", Optional.empty(), 9_975, 26));
      assertThat(last).hasSize(25);
      assertThat(last.getFirst().requestId()).isEqualTo("req-00024");
      assertThat(last.getLast().requestId()).isEqualTo("req-00000");

      // A filter keeps half of them; its last page is past the first 5,000 stored too.
      List<Listing> web =
          a.recent(new Query("github", "acme/web", "", Optional.empty(), 4_990, 26));
      assertThat(web).hasSize(10);
      assertThat(web).allMatch(l -> l.labels().pipeline().equals("acme/web"));
      assertThat(web.getLast().requestId()).isEqualTo("req-00001");
    }
  }
}
