package dev.destill.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each poll is called by the test: what a poll reads depends on the file only, never on time. */
class FileTailTest {
  @TempDir Path dir;

  private final FileTail.Collected seen = new FileTail.Collected();

  private void append(Path p, String s) throws IOException {
    append(p, s.getBytes(StandardCharsets.UTF_8));
  }

  private void append(Path p, byte[] b) throws IOException {
    Files.write(p, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private FileTail tail(Path p, boolean fromStart) {
    return new FileTail(p, fromStart, 1024, 1 << 20);
  }

  @Test
  void shouldReadWhatIsAppendedFromTheEndByDefault() throws IOException {
    Path log = dir.resolve("build.log");
    append(log, "old 1\nold 2\n");
    try (FileTail t = tail(log, false)) {
      t.poll(seen);
      assertThat(seen.lines()).isEmpty();
      assertThat(seen.events()).containsExactly(FileTail.Event.OPENED);
      append(log, "new 1\nnew 2\r\npart");
      t.poll(seen);
      assertThat(seen.lines()).containsExactly("new 1", "new 2");
      append(log, "ial\n");
      t.poll(seen);
      assertThat(seen.lines()).containsExactly("new 1", "new 2", "partial");
    }
  }

  @Test
  void shouldReadFromTheStartWhenAsked() throws IOException {
    Path log = dir.resolve("build.log");
    append(log, "old 1\nold 2\n");
    try (FileTail t = tail(log, true)) {
      t.poll(seen);
      assertThat(seen.lines()).containsExactly("old 1", "old 2");
    }
  }

  @Test
  void shouldFollowARotationByRenameAndANewFile() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "before\n");
    try (FileTail t = tail(log, false)) {
      t.poll(seen);
      append(log, "last of the old file\n");
      Files.move(log, dir.resolve("app.log.1"));
      // Written by the application to the renamed file, before it reopens its log.
      append(dir.resolve("app.log.1"), "after the rename\n");
      append(log, "first of the new file\n");
      t.poll(seen);
      assertThat(seen.lines())
          .containsExactly("last of the old file", "after the rename", "first of the new file");
      assertThat(seen.events()).containsExactly(FileTail.Event.OPENED, FileTail.Event.ROTATED);
      append(log, "more\n");
      t.poll(seen);
      assertThat(seen.lines()).endsWith("more");
    }
  }

  @Test
  void shouldReadATruncatedFileAgainFromItsStart() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "a long first line of the log\nanother line\n");
    try (FileTail t = tail(log, true)) {
      t.poll(seen);
      Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
      append(log, "after\n");
      t.poll(seen);
      assertThat(seen.lines())
          .containsExactly("a long first line of the log", "another line", "after");
      assertThat(seen.events()).containsExactly(FileTail.Event.OPENED, FileTail.Event.TRUNCATED);
    }
  }

  @Test
  void shouldWaitForAFileThatAppearsLaterAndReadAllOfIt() throws IOException {
    Path log = dir.resolve("later.log");
    try (FileTail t = tail(log, false)) {
      t.poll(seen);
      assertThat(seen.events()).isEmpty();
      assertThat(t.isOpen()).isFalse();
      append(log, "first\nsecond\n");
      t.poll(seen);
      assertThat(seen.lines()).containsExactly("first", "second");
      Files.delete(log);
      t.poll(seen);
      assertThat(seen.events()).containsExactly(FileTail.Event.OPENED, FileTail.Event.GONE);
      append(log, "again\n");
      t.poll(seen);
      assertThat(seen.lines()).containsExactly("first", "second", "again");
    }
  }

  @Test
  void shouldCutA10MegabyteLineAndGoOn() throws IOException {
    Path log = dir.resolve("huge.log");
    byte[] huge = new byte[10 << 20];
    Arrays.fill(huge, (byte) 'x');
    append(log, "before\n");
    append(log, huge);
    append(log, "\nafter\n");
    try (FileTail t = new FileTail(log, true, 1024, 1 << 20)) {
      // Each poll reads at most 1 MiB: the line spans several polls.
      int polls = 0;
      while (t.poll(seen)) {
        polls++;
      }
      assertThat(polls).isGreaterThanOrEqualTo(10);
      List<String> lines = seen.lines();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).isEqualTo("before");
      assertThat(lines.get(1)).startsWith("xxxx").endsWith(" …[cut]").hasSize(1024 + 7);
      assertThat(lines.get(2)).isEqualTo("after");
    }
  }

  @Test
  void shouldReplaceInvalidUtf8() throws IOException {
    Path log = dir.resolve("bad.log");
    append(log, new byte[] {'o', 'k', (byte) 0xff, (byte) 0xc3, '\n', 'n', 'e', 'x', 't', '\n'});
    try (FileTail t = tail(log, true)) {
      t.poll(seen);
      assertThat(seen.lines()).containsExactly("ok\uFFFD\uFFFD", "next");
    }
  }

  @Test
  void shouldSayWhenThePathIsAFolder() throws IOException {
    try (FileTail t = tail(dir, true)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.poll(seen))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is a directory");
    }
  }

  @Test
  void shouldHandOnALastLineWithoutNewlineOnFlush() throws IOException {
    Path log = dir.resolve("app.log");
    append(log, "no newline yet");
    try (FileTail t = tail(log, true)) {
      t.poll(seen);
      assertThat(seen.lines()).isEmpty();
      t.flush(seen);
      assertThat(seen.lines()).containsExactly("no newline yet");
    }
  }
}
