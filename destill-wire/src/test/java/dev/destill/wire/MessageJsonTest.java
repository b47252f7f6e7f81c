package dev.destill.wire;

import static dev.destill.core.store.AbstractFindingStoreTest.chunkAnalyzed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.broker.Message;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.model.Severity;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.AnalysisRequest;
import dev.destill.core.pipeline.PipelineMessage.FindingMessage;
import dev.destill.core.pipeline.PipelineMessage.LogChunk;
import dev.destill.core.pipeline.PipelineMessage.Progress;
import dev.destill.core.pipeline.PoisonMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MessageJsonTest {
  private final MessageJson codec = new MessageJson();
  private static final JobInfo JOB =
      new JobInfo("j1", "test (ubuntu)", JobState.FAILED, OptionalInt.of(2));

  private PipelineMessage roundTrip(PipelineMessage m) {
    return codec.decode(codec.encode(m));
  }

  @Test
  void shouldRoundTripARequest() {
    AnalysisRequest r =
        new AnalysisRequest("req-1", List.of("https://x/y"), Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(roundTrip(r)).isEqualTo(r);
  }

  @Test
  void shouldRoundTripARequestsBaselineAndReadAnOlderRequestAsHavingNone() {
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    for (dev.destill.core.provider.BaselineChoice choice :
        List.of(
            dev.destill.core.provider.BaselineChoice.NONE,
            dev.destill.core.provider.BaselineChoice.AUTO,
            new dev.destill.core.provider.BaselineChoice.Given("https://x/green"),
            new dev.destill.core.provider.BaselineChoice.Uploaded(
                "passing/", List.of("test.log", "lint.log"), false))) {
      AnalysisRequest r = new AnalysisRequest("req-1", List.of("https://x/y"), at, choice);
      assertThat(roundTrip(r)).isEqualTo(r);
    }
    String old =
        "{\"schema_version\":1,\"request_id\":\"req-1\",\"type\":\"analysis_request\","
            + "\"targets\":[\"https://x/y\"],\"submitted\":\"2026-01-02T03:04:05Z\"}";
    assertThat(codec.decode(old.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new AnalysisRequest("req-1", List.of("https://x/y"), at));
  }

  @Test
  void shouldRoundTripBaselinePartsThatTogetherHoldTheTemplates() {
    byte[] templates = new byte[PipelineMessage.BaselinePart.MAX_BYTES * 2 + 10];
    new java.util.Random(7).nextBytes(templates);
    List<PipelineMessage.BaselinePart> parts =
        PipelineMessage.BaselinePart.of("req-1", "j1", templates);
    assertThat(parts).hasSize(3);
    java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
    for (PipelineMessage.BaselinePart p : parts) {
      PipelineMessage.BaselinePart back = (PipelineMessage.BaselinePart) roundTrip(p);
      assertThat(back).usingRecursiveComparison().isEqualTo(p);
      joined.writeBytes(back.data());
    }
    assertThat(joined.toByteArray()).isEqualTo(templates);
  }

  @Test
  void shouldCarryABinaryChunksBaselineFlagAndStillReadVersionTwo() {
    byte[] data = "ok\n".getBytes(StandardCharsets.UTF_8);
    LogChunk announced = new LogChunk("req-1", "b", JOB, 0, 1, 1, 1, 1, data, Optional.of("j1"));
    assertThat(roundTrip(announced)).usingRecursiveComparison().isEqualTo(announced);
    LogChunk json = (LogChunk) codec.decode(MessageJson.json(announced));
    assertThat(json.baseline()).contains("j1");

    // Version 2, as agents before baselines wrote it: flags held only "has an exit status".
    LogChunk plain = new LogChunk("req-1", "b", JOB, 0, 1, 1, 1, 1, data);
    byte[] v2 = codec.encode(plain);
    v2[3] = 2;
    assertThat(codec.decode(v2)).usingRecursiveComparison().isEqualTo(plain);
    byte[] v2WithBaselineBit = codec.encode(announced);
    v2WithBaselineBit[3] = 2;
    assertThatThrownBy(() -> codec.decode(v2WithBaselineBit))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessage("malformed log_chunk: unknown flags 3");
  }

  @Test
  void shouldKeepAChunksBytesExactlyEvenWhenTheyAreNotUtf8() {
    byte[] data = {'o', 'k', '\n', (byte) 0xff, (byte) 0xc3, 0, '\n'};
    LogChunk c = new LogChunk("req-1", "gh:1", JOB, 2, 5, 80, 100, 200, data);
    LogChunk back = (LogChunk) roundTrip(c);
    assertThat(back.data()).isEqualTo(data);
    assertThat(back.job()).isEqualTo(JOB);
    assertThat(List.of(back.index(), back.total())).containsExactly(2, 5);
    assertThat(List.of(back.firstLine(), back.ownFrom(), back.ownTo()))
        .containsExactly(80L, 100L, 200L);
  }

  @Test
  void shouldWriteAChunkAsItsRawBytesBehindABinaryHeaderNotBase64() {
    byte[] data = "line one\nERROR: x\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    LogChunk c = new LogChunk("req-1", "gh:1", JOB, 0, 1, 1, 1, 200, data);
    byte[] wire = codec.encode(c);

    assertThat(wire[0]).as("not JSON").isEqualTo((byte) 0);
    assertThat(wire[3]).as("version").isEqualTo((byte) ChunkWire.VERSION);
    assertThat(wire.length).isLessThan(data.length + 100);
    assertThat(Arrays.copyOfRange(wire, wire.length - data.length, wire.length)).isEqualTo(data);
    assertThat(roundTrip(c)).usingRecursiveComparison().isEqualTo(c);
  }

  @Test
  void shouldRoundTripAChunkOfAJobWithoutAnExitStatus() {
    LogChunk c =
        new LogChunk(
            "req-ü", "b", JobInfo.of("naïve job", JobState.RUNNING), 3, 0, 5, 6, 7, new byte[0]);
    assertThat(roundTrip(c)).usingRecursiveComparison().isEqualTo(c);
  }

  @Test
  void shouldStillReadAChunkWrittenAsJsonBySchemaOne() {
    byte[] data = {'o', 'k', '\n', (byte) 0xff};
    LogChunk c = new LogChunk("req-1", "gh:1", JOB, 2, 5, 80, 100, 200, data);
    byte[] old = MessageJson.json(c);

    assertThat(new String(old, StandardCharsets.UTF_8))
        .contains("\"schema_version\":1")
        .contains("\"data\":\"" + java.util.Base64.getEncoder().encodeToString(data) + "\"");
    assertThat(codec.decode(old)).usingRecursiveComparison().isEqualTo(c);
  }

  @Test
  void shouldRefuseABinaryChunkOfAnotherVersionOrCutShortWithTheReason() {
    byte[] wire = codec.encode(new LogChunk("req-1", "b", JOB, 0, 1, 1, 1, 1, new byte[10]));
    byte[] newer = wire.clone();
    newer[3] = 9;

    assertThatThrownBy(() -> codec.decode(newer))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessage("unknown log chunk version 9 (this agent reads 2 to 3)");
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(wire, 20)))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessageStartingWith("malformed log_chunk:");
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(wire, wire.length - 1)))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessage("malformed log_chunk: data of 10 bytes announced, 9 present");
    assertThatThrownBy(() -> codec.decode(new byte[] {0, 'D', 'C'}))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessage("unknown log chunk version (none) (this agent reads 2 to 3)");
  }

  @Test
  void shouldRoundTripFindingsAndEveryProgressStage() {
    Finding f =
        new Finding(
            "id1",
            "h".repeat(64),
            Severity.ERROR,
            0.9,
            1,
            "test",
            "build",
            3,
            4,
            "boom",
            "boom",
            List.of("boom", "at x"),
            List.of("pre"),
            List.of("post"),
            2,
            FindingSource.LOG,
            Optional.empty(),
            List.of("failed-job"),
            Optional.empty());
    assertThat(roundTrip(new FindingMessage("req-1", f))).isEqualTo(new FindingMessage("req-1", f));
    List<RequestEvent> events =
        List.of(
            new RequestEvent.Submitted("req-1", "https://x", Instant.parse("2026-01-01T00:00:00Z")),
            new RequestEvent.Resolved("req-1", "gh:1", "acme/shop #1"),
            new RequestEvent.JobIngested("req-1", new JobRecord(JOB, 3, 1000, 50_000)),
            new RequestEvent.JobIngested(
                "req-1", new JobRecord(JobInfo.of("lint", JobState.PASSED), 0, 0, 0)),
            new RequestEvent.Ingested("req-1", 3, List.of("a warning")),
            chunkAnalyzed("req-1", "j1", 2, List.of()),
            chunkAnalyzed("req-1", "j1", 3, List.of("cut")),
            new RequestEvent.ChunkAnalyzed(
                "req-1",
                chunkAnalyzed("req-1", "j1", 4, List.of()).chunk(),
                List.of(),
                Optional.of(new dev.destill.core.model.LineNovelty(120, 7))),
            new RequestEvent.BaselineChosen(
                "req-1", Optional.of("https://x/green"), "last green build on main"),
            new RequestEvent.BaselineChosen("req-1", Optional.empty(), "no green build"),
            new RequestEvent.Failed("req-1", "GitHub returned 401"));
    for (RequestEvent e : events) {
      assertThat(roundTrip(new Progress(e))).isEqualTo(new Progress(e));
    }
  }

  @Test
  void shouldReadTheLargestLongOfOlderWritersAsNoStepLine() {
    String old =
        "{\"schema_version\":1,\"type\":\"progress\",\"request_id\":\"r\","
            + "\"stage\":\"chunk_analyzed\",\"job_id\":\"j\",\"index\":0,\"own_from\":1,"
            + "\"own_to\":9,\"first_step_line\":9223372036854775807,\"warnings\":[]}";
    RequestEvent e = ((Progress) codec.decode(old.getBytes(StandardCharsets.UTF_8))).event();

    assertThat(((RequestEvent.ChunkAnalyzed) e).chunk().firstStepLine()).isEmpty();
    assertThat(new String(codec.encode(new Progress(e)), StandardCharsets.UTF_8))
        .doesNotContain("first_step_line");
  }

  @Test
  void shouldWriteTheSchemaVersionAndType() throws Exception {
    JsonNode o =
        new ObjectMapper()
            .readTree(codec.encode(new Progress(new RequestEvent.Failed("req-1", "x"))));
    assertThat(o.get("schema_version").asInt()).isEqualTo(PipelineMessage.SCHEMA_VERSION);
    assertThat(o.get("type").asText()).isEqualTo("progress");
  }

  @Test
  void shouldRefuseWhatItCannotReadAsPoison() {
    for (String bad :
        new String[] {
          "not json",
          "[1,2]",
          "{\"type\":\"finding\"}",
          "{\"schema_version\":99,\"type\":\"finding\",\"request_id\":\"r\"}",
          "{\"schema_version\":1,\"type\":\"nope\",\"request_id\":\"r\"}",
          "{\"schema_version\":1,\"type\":\"log_chunk\",\"request_id\":\"r\"}",
          "{\"schema_version\":1,\"type\":\"progress\",\"request_id\":\"r\",\"stage\":\"x\"}",
          "{\"schema_version\":1,\"type\":\"log_chunk\",\"request_id\":\"r\",\"data\":\"***\"}",
        }) {
      assertThatThrownBy(() -> codec.decode(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(PoisonMessageException.class)
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void shouldWrapAPoisonMessageWithItsReason() throws Exception {
    Message m =
        new Message("destill.logs.raw", 3, 42, "k", "garbage".getBytes(StandardCharsets.UTF_8));
    JsonNode o = new ObjectMapper().readTree(codec.deadLetter(m, "not JSON"));
    assertThat(o.get("reason").asText()).isEqualTo("not JSON");
    assertThat(o.get("topic").asText()).isEqualTo("destill.logs.raw");
    assertThat(o.get("offset").asLong()).isEqualTo(42);
    assertThat(o.get("value").binaryValue()).isEqualTo(m.value());
  }
}
