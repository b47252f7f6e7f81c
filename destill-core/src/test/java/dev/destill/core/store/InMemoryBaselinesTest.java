package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.engine.NoveltyScan;
import dev.destill.core.model.JobInfo;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class InMemoryBaselinesTest extends AbstractBaselinesTest {
  @Override
  protected Baselines with(String requestId, Function<JobInfo, Optional<LineTemplates>> loader) {
    InMemoryBaselines b = new InMemoryBaselines();
    b.register(requestId, loader);
    return b;
  }

  @Test
  void shouldAddUpAJobsCountsAndForgetThemWithTheRequest() {
    InMemoryBaselines b = new InMemoryBaselines();
    b.register("req-1", job -> Optional.empty());
    b.counted("req-1", "test", new NoveltyScan.Counts(3, 1, 2));
    b.counted("req-1", "test", new NoveltyScan.Counts(1, 0, 5));
    assertThat(b.counts("req-1")).isEqualTo(Map.of("test", new NoveltyScan.Counts(4, 1, 7)));
    b.forget("req-1");
    assertThat(b.counts("req-1")).isEmpty();
  }
}
