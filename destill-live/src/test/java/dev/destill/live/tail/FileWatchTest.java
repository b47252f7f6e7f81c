package dev.destill.live.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.stats.InMemoryStatsStore;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.live.LiveIngest;
import dev.destill.live.LiveSettings;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.window.Trigger;
import dev.destill.live.window.WindowAnalysis;
import dev.destill.live.window.WindowAnalyzer;
import dev.destill.live.window.WindowPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch over a real ingestion; the test polls, and stopping the ingestion closes windows. */
class FileWatchTest {
  @TempDir Path dir;

  private final Clock clock = Clock.systemUTC();
  private final List<WindowAnalysis> analyses = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final LiveIngest ingest =
      new LiveIngest(
          LiveSettings.defaults()
              .withWorkers(1)
              .withWindows(new WindowPolicy(5, 5, 2_000, Duration.ofMinutes(5), 100, 2_048)),
          new InMemoryFindingStore(clock),
          new InMemoryStatsStore(),
          clock,
          Trigger.standard(),
          WindowAnalyzer.standard(),
          analyses::add);

  private final FileWatch.Listener listener =
      new FileWatch.Listener() {
        @Override
        public void event(String file, FileTail.Event event) {
          events.add(Path.of(file).getFileName() + " " + event);
        }
      };

  private static void append(Path p, String s) throws IOException {
    Files.writeString(
        p, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private List<String> messages() {
    ingest.stop(Duration.ofSeconds(30));
    return analyses.stream().flatMap(a -> a.findings().stream()).map(Finding::message).toList();
  }

  @Test
  void shouldAnalyzeTheWindowAroundAnErrorAppendedToAFile() throws IOException {
    Path log = dir.resolve("build.log");
    append(log, "error: an old failure that was there before the watch\n");
    try (FileWatch w =
        new FileWatch(
            List.of(FileWatch.Spec.parse(log.toString())), false, ingest, clock, listener)) {
      w.pollOnce();
      append(log, "[INFO] Compiling 12 source files\n");
      append(log, "[ERROR] /src/main/java/App.java:[3,8] cannot find symbol\n");
      append(log, "[INFO] BUILD FAILURE\n");
      w.pollOnce();
    }
    List<String> messages = messages();
    assertThat(messages).anyMatch(m -> m.contains("cannot find symbol"));
    assertThat(messages).noneMatch(m -> m.contains("old failure"));
    assertThat(analyses).hasSize(1);
    assertThat(analyses.get(0).window().stream().source()).isEqualTo(FileWatch.SOURCE);
    assertThat(analyses.get(0).window().stream().stream()).isEqualTo(log.toString());
  }

  @Test
  void shouldFollowAGlobReadingFilesThatAppearLaterAndNotARotatedOneTwice() throws IOException {
    Path app = dir.resolve("app.log");
    append(app, "started\n");
    try (FileWatch w =
        new FileWatch(
            List.of(FileWatch.Spec.parse(dir + "/*.log*")), false, ingest, clock, listener)) {
      w.pollOnce();
      assertThat(w.files()).isEqualTo(1);
      append(
          dir.resolve("later.log"),
          "Exception in thread \"main\" java.lang.IllegalStateException: later\n");
      append(
          app, "Exception in thread \"main\" java.lang.IllegalStateException: before rotation\n");
      w.pollOnce();
      Files.move(app, dir.resolve("app.log.1"));
      append(app, "Exception in thread \"main\" java.lang.IllegalStateException: after rotation\n");
      w.pollOnce();
      w.pollOnce();
      assertThat(w.files()).isEqualTo(3);
    }
    List<String> messages = messages();
    assertThat(messages.stream().filter(m -> m.contains("later")).count()).isEqualTo(1);
    assertThat(messages.stream().filter(m -> m.contains("before rotation")).count()).isEqualTo(1);
    assertThat(messages.stream().filter(m -> m.contains("after rotation")).count()).isEqualTo(1);
    assertThat(events).contains("app.log OPENED", "later.log OPENED", "app.log ROTATED");
  }

  @Test
  void shouldTakeA10MegabyteLineAndInvalidUtf8AndStillFindTheErrorAfterThem() throws IOException {
    Path log = dir.resolve("hostile.log");
    try (FileWatch w =
        new FileWatch(
            List.of(FileWatch.Spec.parse(log.toString())), true, ingest, clock, listener)) {
      w.pollOnce();
      byte[] huge = new byte[10 << 20];
      java.util.Arrays.fill(huge, (byte) 'y');
      Files.write(log, huge, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Files.write(
          log, new byte[] {'\n', (byte) 0xfe, (byte) 0x80, 'z', '\n'}, StandardOpenOption.APPEND);
      append(log, "fatal error: zlib.h: No such file or directory\n");
      while (w.pollOnce()) {
        // a 10 MB line takes several polls
      }
    }
    List<String> messages = messages();
    assertThat(messages).anyMatch(m -> m.contains("zlib.h: No such file or directory"));
    for (WindowAnalysis a : analyses) {
      for (String line : a.window().lines()) {
        assertThat(line.length()).isLessThanOrEqualTo(2_048);
      }
    }
    assertThat(FileWatch.MAX_LINE_BYTES).isGreaterThanOrEqualTo(LiveRecord.MAX_BODY_CHARS);
  }

  @Test
  void shouldRefuseAPatternInAFolder() {
    assertThatThrownBy(() -> FileWatch.Spec.parse("logs/*/app.log"))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessage("'logs/*/app.log': only the file name may be a pattern, not a folder");
    ingest.stop(Duration.ZERO);
  }
}
