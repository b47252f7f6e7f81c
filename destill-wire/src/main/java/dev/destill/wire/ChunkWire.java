package dev.destill.wire;

import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.pipeline.PipelineMessage.LogChunk;
import dev.destill.core.pipeline.PoisonMessageException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A log chunk on the wire: a small binary header, then the log's bytes as they are.
 *
 * <pre>
 *   0x00 'D' 'C'  magic (a JSON message never starts with 0x00)
 *   u8            version ({@link #VERSION})
 *   str           request id, build id, job id, job name, job state
 *   i32           job exit status, or -1 when there is none (a bit in flags says which)
 *   u8            flags: bit 0 = the job has an exit status; bit 1 = the job is compared with a
 *                 template set on the baselines topic (from version 3; version 2 had bit 0 only)
 *   str           (bit 1 only) the name of that set
 *   i32 i32       index, total
 *   i64 i64 i64   first line, own from, own to
 *   i32           length of the data, then the data
 * </pre>
 *
 * where {@code str} is an i32 byte length and that many UTF-8 bytes, and integers are big-endian.
 * Anything else (a truncated record, a length past its end, another version) is poison, with the
 * reason. Version 2 records (before baselines) still decode, without a baseline. Thread-safe (no
 * state).
 */
final class ChunkWire {
  /** The version of the chunk header this code writes and reads. */
  static final int VERSION = 3;

  /** The oldest version this code still reads. */
  static final int OLDEST = 2;

  private static final int HAS_EXIT = 1;
  private static final int BASELINE = 2;

  private static final byte[] MAGIC = {0, 'D', 'C'};
  private static final int MAX_STRING = 64 * 1024;

  private ChunkWire() {}

  /** Whether {@code bytes} start as a binary chunk does (any version). */
  static boolean isChunk(byte[] bytes) {
    return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, 3);
  }

  static byte[] encode(LogChunk c) {
    byte[][] strings = {
      utf8(c.requestId()),
      utf8(c.buildId()),
      utf8(c.job().id()),
      utf8(c.job().name()),
      utf8(c.job().state().id())
    };
    byte[] set = c.baseline().map(ChunkWire::utf8).orElse(null);
    int size =
        MAGIC.length
            + 1
            + 4
            + 1
            + (set == null ? 0 : 4 + set.length)
            + 4
            + 4
            + 8 * 3
            + 4
            + c.data().length;
    for (byte[] s : strings) {
      size += 4 + s.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(MAGIC).put((byte) VERSION);
    for (byte[] s : strings) {
      b.putInt(s.length).put(s);
    }
    OptionalInt exit = c.job().exitStatus();
    b.putInt(exit.orElse(-1))
        .put((byte) ((exit.isPresent() ? HAS_EXIT : 0) | (set == null ? 0 : BASELINE)));
    if (set != null) {
      b.putInt(set.length).put(set);
    }
    b.putInt(c.index()).putInt(c.total());
    b.putLong(c.firstLine()).putLong(c.ownFrom()).putLong(c.ownTo());
    b.putInt(c.data().length).put(c.data());
    return b.array();
  }

  /**
   * @throws PoisonMessageException when the record is not a chunk this version can read
   */
  static LogChunk decode(byte[] bytes) {
    int version = bytes.length > MAGIC.length ? bytes[MAGIC.length] & 0xff : -1;
    if (version < OLDEST || version > VERSION) {
      throw new PoisonMessageException(
          "unknown log chunk version "
              + (version < 0 ? "(none)" : version)
              + " (this agent reads "
              + OLDEST
              + " to "
              + VERSION
              + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, MAGIC.length + 1, bytes.length - MAGIC.length - 1);
    try {
      String requestId = string(b);
      String buildId = string(b);
      String jobId = string(b);
      String jobName = string(b);
      JobState state = JobState.parse(string(b));
      int exit = b.getInt();
      int flags = b.get();
      if ((flags & ~(version == OLDEST ? HAS_EXIT : HAS_EXIT | BASELINE)) != 0) {
        throw new PoisonMessageException("malformed log_chunk: unknown flags " + flags);
      }
      boolean hasExit = (flags & HAS_EXIT) != 0;
      Optional<String> set = (flags & BASELINE) != 0 ? Optional.of(string(b)) : Optional.empty();
      JobInfo job =
          new JobInfo(jobId, jobName, state, hasExit ? OptionalInt.of(exit) : OptionalInt.empty());
      int index = b.getInt();
      int total = b.getInt();
      long firstLine = b.getLong();
      long ownFrom = b.getLong();
      long ownTo = b.getLong();
      int length = b.getInt();
      if (length != b.remaining()) {
        throw new PoisonMessageException(
            "malformed log_chunk: data of "
                + length
                + " bytes announced, "
                + b.remaining()
                + " present");
      }
      byte[] data = Arrays.copyOfRange(bytes, b.position(), bytes.length);
      return new LogChunk(
          requestId, buildId, job, index, total, firstLine, ownFrom, ownTo, data, set);
    } catch (BufferUnderflowException e) {
      throw new PoisonMessageException("malformed log_chunk: the record ends early", e);
    } catch (PoisonMessageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PoisonMessageException("malformed log_chunk: " + e.getMessage(), e);
    }
  }

  private static byte[] utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING) {
      throw new IllegalArgumentException(
          "a chunk field is longer than " + MAX_STRING + " bytes: " + s.substring(0, 40) + "…");
    }
    return b;
  }

  private static String string(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0 || length > MAX_STRING || length > b.remaining()) {
      throw new PoisonMessageException(
          "malformed log_chunk: a field of " + length + " bytes does not fit the record");
    }
    String s =
        new String(b.array(), b.arrayOffset() + b.position(), length, StandardCharsets.UTF_8);
    b.position(b.position() + length);
    return s;
  }
}
