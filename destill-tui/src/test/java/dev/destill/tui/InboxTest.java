package dev.destill.tui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboxTest {
  @Test
  void shouldHoldAtMostItsCapacityWhileTheUiDoesNotDrainAndCountTheRest() {
    Inbox inbox = new Inbox();
    int offered = Inbox.CAPACITY + 2_500;
    for (int i = 0; i < offered; i++) {
      inbox.finding(Findings.f("h" + i, 1, 0.9, "build", i, "error " + i));
    }
    inbox.progress(new ProgressEvent.Warning("late"));

    assertThat(inbox.waiting()).isEqualTo(Inbox.CAPACITY);
    assertThat(inbox.dropped()).isEqualTo(2_501);
  }

  @Test
  void shouldAlwaysLetTheFinalRankingInAndMakeRoomOnceDrained() {
    Inbox inbox = new Inbox();
    for (int i = 0; i < Inbox.CAPACITY; i++) {
      inbox.finding(Findings.f("h" + i, 1, 0.9, "build", i, "error " + i));
    }
    Finding best = Findings.f("best", 1, 0.99, "build", 1, "the cause");
    inbox.ranked(List.of(best));
    TriageModel model = new TriageModel("build");

    assertThat(inbox.drainTo(model)).isTrue();
    assertThat(model.rows()).hasSize(1);
    assertThat(inbox.waiting()).isZero();
    inbox.finding(Findings.f("again", 1, 0.9, "build", 2, "again"));
    assertThat(inbox.waiting()).isEqualTo(1);
    assertThat(inbox.dropped()).isZero();
  }
}
