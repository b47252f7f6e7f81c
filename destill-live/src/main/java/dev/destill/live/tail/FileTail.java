package dev.destill.live.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Follows one path as {@code tail -F} does, one {@link #poll} at a time: reads what was appended
 * since the last poll and cuts it into lines; when the path names another file than the one open
 * (its file key, the inode on Linux, changed: the file was rotated by a rename and a new one made)
 * it reads the rest of the old file and goes on from the start of the new one; when the file is
 * shorter than what was read it was truncated and is read again from its start; a path that does
 * not exist yet is waited for. Lines are decoded as UTF-8 (invalid bytes become U+FFFD) and cut at
 * {@link #maxLineBytes} bytes, the rest of such a line skipped, so memory stays bounded whatever
 * the file holds. Not thread-safe: one thread polls.
 */
public final class FileTail implements AutoCloseable {
  /** What a poll saw happen to the path, besides lines. */
  public enum Event {
    /** The file was opened for the first time, or appeared. */
    OPENED,
    /** The path names a new file; the old one was read to its end. */
    ROTATED,
    /** The file got shorter; it is read again from its start. */
    TRUNCATED,
    /** The path no longer exists; the file that was open was read to its end. */
    GONE
  }

  /** Whom a poll tells of lines and events, on the polling thread. */
  public interface Sink {
    void line(String line);

    void event(Event event);
  }

  private static final int READ_BYTES = 64 * 1024;

  private final Path path;
  private final int maxLineBytes;
  private final long maxBytesPerPoll;
  private final ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
  private final byte[] line;
  private int lineLength;
  private boolean lineCut;
  private boolean fromStart;
  private FileChannel channel;
  private Object key;
  private long position;
  private long bytesRead;

  /**
   * @param path the path followed
   * @param fromStart read a file that is there at the first poll from its start, not its end (a
   *     file that appears later, or replaces a rotated one, is always read from its start)
   * @param maxLineBytes the most bytes of one line that are kept
   * @param maxBytesPerPoll the most bytes one poll reads, so that one file cannot hold the thread
   */
  public FileTail(Path path, boolean fromStart, int maxLineBytes, long maxBytesPerPoll) {
    this.path = Objects.requireNonNull(path, "path");
    if (maxLineBytes < 16 || maxBytesPerPoll < 1) {
      throw new IllegalArgumentException("maxLineBytes must be at least 16, maxBytesPerPoll 1");
    }
    this.fromStart = fromStart;
    this.maxLineBytes = maxLineBytes;
    this.maxBytesPerPoll = maxBytesPerPoll;
    this.line = new byte[maxLineBytes];
  }

  public Path path() {
    return path;
  }

  /** Bytes read from the path's files since this tail began. */
  public long bytesRead() {
    return bytesRead;
  }

  /** The file key (inode) of the file open now, when the file system has them. */
  public Optional<Object> fileKey() {
    return Optional.ofNullable(key);
  }

  /** Whether a file is open now. */
  public boolean isOpen() {
    return channel != null;
  }

  /**
   * Reads what is new and tells {@code sink}; returns whether there may be more to read at once
   * (the poll stopped at {@link #maxBytesPerPoll}).
   *
   * @throws IOException when the file exists and cannot be read (permissions, a directory)
   */
  public boolean poll(Sink sink) throws IOException {
    Optional<BasicFileAttributes> attrs = attributes();
    if (attrs.isEmpty()) {
      if (channel != null) {
        readToEnd(sink, Long.MAX_VALUE);
        flushLine(sink);
        closeChannel();
        sink.event(Event.GONE);
      }
      // A file that appears later is new: all of it is read.
      fromStart = true;
      return false;
    }
    BasicFileAttributes a = attrs.get();
    if (channel != null && !sameFile(a)) {
      readToEnd(sink, Long.MAX_VALUE);
      flushLine(sink);
      closeChannel();
      fromStart = true;
      if (!open(a)) {
        return false;
      }
      sink.event(Event.ROTATED);
    } else if (channel == null) {
      if (!open(a)) {
        return false;
      }
      sink.event(Event.OPENED);
    } else if (channel.size() < position) {
      position = 0;
      lineLength = 0;
      lineCut = false;
      sink.event(Event.TRUNCATED);
    }
    return readToEnd(sink, maxBytesPerPoll);
  }

  private Optional<BasicFileAttributes> attributes() throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      if (a.isDirectory()) {
        throw new IOException(path + " is a directory, not a file");
      }
      return Optional.of(a);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private boolean sameFile(BasicFileAttributes a) {
    Object k = a.fileKey();
    // Without file keys (some file systems) a rotation shows only as a truncation.
    return k == null || key == null || k.equals(key);
  }

  private boolean open(BasicFileAttributes a) throws IOException {
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return false; // gone between the look and the open: the next poll sees
    }
    key = a.fileKey();
    position = fromStart ? 0 : channel.size();
    lineLength = 0;
    lineCut = false;
    return true;
  }

  private boolean readToEnd(Sink sink, long limit) throws IOException {
    long read = 0;
    while (read < limit) {
      buffer.clear();
      if (limit - read < buffer.capacity()) {
        buffer.limit((int) (limit - read));
      }
      int n = channel.read(buffer, position);
      if (n <= 0) {
        return false;
      }
      position += n;
      read += n;
      bytesRead += n;
      byte[] b = buffer.array();
      for (int i = 0; i < n; i++) {
        byte c = b[i];
        if (c == '\n') {
          flushLine(sink);
        } else if (lineLength < maxLineBytes) {
          line[lineLength++] = c;
        } else {
          lineCut = true;
        }
      }
    }
    return true;
  }

  private void flushLine(Sink sink) {
    if (lineLength == 0 && !lineCut) {
      return;
    }
    int end = lineLength;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    String s = new String(line, 0, end, StandardCharsets.UTF_8);
    lineLength = 0;
    if (lineCut) {
      s = s + " …[cut]";
      lineCut = false;
    }
    sink.line(s);
  }

  /** Tells {@code sink} of a last line that has no newline yet; for a shutdown. */
  public void flush(Sink sink) {
    flushLine(sink);
  }

  private void closeChannel() throws IOException {
    FileChannel c = channel;
    channel = null;
    key = null;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }

  /** Lines and events of a poll, gathered; for callers that hand them on in batches. */
  public static final class Collected implements Sink {
    private final List<String> lines = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    @Override
    public void line(String line) {
      lines.add(line);
    }

    @Override
    public void event(Event event) {
      events.add(event);
    }

    public List<String> lines() {
      return lines;
    }

    public List<Event> events() {
      return events;
    }

    public void clear() {
      lines.clear();
      events.clear();
    }
  }
}
