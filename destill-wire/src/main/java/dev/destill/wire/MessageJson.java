package dev.destill.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.core.broker.Message;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.AnalysisRequest;
import dev.destill.core.pipeline.PipelineMessage.FindingMessage;
import dev.destill.core.pipeline.PipelineMessage.LogChunk;
import dev.destill.core.pipeline.PipelineMessage.Progress;
import dev.destill.core.pipeline.PoisonMessageException;
import dev.destill.core.provider.BaselineChoice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Pipeline messages on the wire. Small messages are JSON objects: {@code {"schema_version": 1,
 * "type": ..., ...}}, field names in snake case. A log chunk is binary ({@link ChunkWire}): a
 * versioned header, then the log's bytes as they are, so that half a megabyte of log is neither
 * base64-encoded nor parsed. Chunks written as JSON (schema 1, bytes in base64) still decode.
 * Readers refuse other versions and unknown types as poison. Thread-safe.
 */
public final class MessageJson implements MessageCodec {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public byte[] encode(PipelineMessage message) {
    if (message instanceof LogChunk c) {
      return ChunkWire.encode(c);
    }
    return json(message);
  }

  /** {@code message} as JSON, as schema 1 writes it (a chunk's bytes in base64). */
  static byte[] json(PipelineMessage message) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            switch (message) {
              case LogChunk c -> c.data().length * 4 / 3 + 1024;
              case PipelineMessage.BaselinePart b -> b.data().length * 4 / 3 + 1024;
              default -> 1024;
            });
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("schema_version", PipelineMessage.SCHEMA_VERSION);
      g.writeStringField("request_id", message.requestId());
      switch (message) {
        case AnalysisRequest r -> {
          g.writeStringField("type", "analysis_request");
          strings(g, "targets", r.targets());
          g.writeStringField("submitted", r.submitted().toString());
          baseline(g, r.baseline());
        }
        case LogChunk c -> {
          g.writeStringField("type", "log_chunk");
          g.writeStringField("build_id", c.buildId());
          job(g, c.job());
          g.writeNumberField("index", c.index());
          g.writeNumberField("total", c.total());
          g.writeNumberField("first_line", c.firstLine());
          g.writeNumberField("own_from", c.ownFrom());
          g.writeNumberField("own_to", c.ownTo());
          if (c.baseline().isPresent()) {
            g.writeStringField("baseline", c.baseline().get());
          }
          g.writeFieldName("data");
          // The JDK's codec is several times faster than the generic one; base64 needs no escaping.
          byte[] base64 = Base64.getEncoder().encode(c.data());
          g.writeRawUTF8String(base64, 0, base64.length);
        }
        case PipelineMessage.BaselinePart b -> {
          g.writeStringField("type", "baseline_part");
          g.writeStringField("set", b.set());
          g.writeNumberField("index", b.index());
          g.writeNumberField("total", b.total());
          g.writeFieldName("data");
          byte[] base64 = Base64.getEncoder().encode(b.data());
          g.writeRawUTF8String(base64, 0, base64.length);
        }
        case FindingMessage f -> {
          g.writeStringField("type", "finding");
          g.writeObjectFieldStart("finding");
          FindingJson.writeFields(g, f.finding());
          g.writeEndObject();
        }
        case Progress p -> {
          g.writeStringField("type", "progress");
          event(g, p.event());
        }
        case PipelineMessage.RequestCompleted c -> {
          g.writeStringField("type", "request_completed");
          g.writeStringField("at", c.at().toString());
        }
        case PipelineMessage.Insight i -> {
          g.writeStringField("type", "insight");
          g.writeStringField("cache_key", i.cacheKey());
          if (i.explanation().isPresent()) {
            g.writeFieldName("explanation");
            JSON.writeTree(g, ExplanationJson.toNode(i.explanation().get()));
          }
          if (i.sent().isPresent()) {
            sent(g, i.sent().get());
          }
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void event(JsonGenerator g, RequestEvent event) throws IOException {
    switch (event) {
      case RequestEvent.Submitted s -> {
        g.writeStringField("stage", "submitted");
        g.writeStringField("target", s.target());
        g.writeStringField("at", s.at().toString());
      }
      case RequestEvent.Resolved r -> {
        g.writeStringField("stage", "resolved");
        g.writeStringField("build_id", r.buildId());
        g.writeStringField("title", r.title());
        g.writeStringField("project", r.project());
      }
      case RequestEvent.JobIngested j -> {
        g.writeStringField("stage", "job_ingested");
        job(g, j.job().info());
        g.writeNumberField("chunks", j.job().chunks());
        g.writeNumberField("lines", j.job().lines());
        g.writeNumberField("bytes", j.job().bytes());
      }
      case RequestEvent.Ingested i -> {
        g.writeStringField("stage", "ingested");
        g.writeNumberField("chunks_total", i.chunksTotal());
        strings(g, "warnings", i.warnings());
      }
      case RequestEvent.ChunkAnalyzed c -> {
        g.writeStringField("stage", "chunk_analyzed");
        g.writeStringField("job_id", c.jobId());
        g.writeNumberField("index", c.index());
        g.writeNumberField("own_from", c.chunk().ownFrom());
        g.writeNumberField("own_to", c.chunk().ownTo());
        // Absent when no line named a step (older writers sent the largest long).
        if (c.chunk().firstStepLine().isPresent()) {
          g.writeNumberField("first_step_line", c.chunk().firstStepLine().getAsLong());
        }
        if (c.chunk().exitStep().isPresent()) {
          g.writeStringField("exit_step", c.chunk().exitStep().get());
        }
        strings(g, "warnings", c.warnings());
        if (c.novelty().isPresent()) {
          g.writeNumberField("known", c.novelty().get().known());
          g.writeNumberField("fresh", c.novelty().get().fresh());
        }
      }
      case RequestEvent.BaselineChosen b -> {
        g.writeStringField("stage", "baseline_chosen");
        if (b.source().isPresent()) {
          g.writeStringField("source", b.source().get());
        }
        g.writeStringField("note", b.note());
      }
      case RequestEvent.Incomplete i -> {
        g.writeStringField("stage", "incomplete");
        g.writeStringField("part", i.part());
        g.writeStringField("reason", i.reason());
      }
      case RequestEvent.Failed f -> {
        g.writeStringField("stage", "failed");
        g.writeStringField("error", f.error());
      }
    }
  }

  private static void sent(JsonGenerator g, ExplanationStore.SentRequest r) throws IOException {
    g.writeObjectFieldStart("sent");
    g.writeStringField("model", r.model());
    g.writeStringField("prompt_version", r.promptVersion());
    g.writeNumberField("characters", r.characters());
    g.writeNumberField("estimated_tokens", r.estimatedTokens());
    strings(g, "finding_ids", r.findingIds());
    g.writeStringField("outcome", r.outcome());
    g.writeStringField("at", r.at().toString());
    g.writeEndObject();
  }

  private static ExplanationStore.SentRequest sent(String requestId, JsonNode o) {
    return new ExplanationStore.SentRequest(
        requestId,
        text(o, "model"),
        text(o, "prompt_version"),
        o.path("characters").intValue(),
        o.path("estimated_tokens").intValue(),
        strings(o.get("finding_ids")),
        text(o, "outcome"),
        Instant.parse(text(o, "at")));
  }

  private static void job(JsonGenerator g, JobInfo job) throws IOException {
    g.writeObjectFieldStart("job");
    g.writeStringField("id", job.id());
    g.writeStringField("name", job.name());
    g.writeStringField("state", job.state().id());
    if (job.exitStatus().isPresent()) {
      g.writeNumberField("exit_status", job.exitStatus().getAsInt());
    }
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  @Override
  public PipelineMessage decode(byte[] bytes) {
    if (ChunkWire.isChunk(bytes)) {
      return ChunkWire.decode(bytes);
    }
    // Streamed, so that a chunk's base64 data is decoded straight from the bytes, never held as a
    // string; the small fields become a tree.
    ObjectNode o = JSON.createObjectNode();
    byte[] data = null;
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new PoisonMessageException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("data") && value == JsonToken.VALUE_STRING) {
          data = base64(bytes, (int) p.currentTokenLocation().getByteOffset());
        } else {
          o.set(name, JSON.readTree(p));
        }
      }
    } catch (IOException e) {
      throw new PoisonMessageException("not JSON: " + firstLine(e.getMessage()), e);
    } catch (IllegalArgumentException e) {
      throw new PoisonMessageException("data is not base64: " + firstLine(e.getMessage()), e);
    }
    JsonNode version = o.get("schema_version");
    if (version == null || !version.isInt()) {
      throw new PoisonMessageException("no schema_version");
    }
    if (version.asInt() != PipelineMessage.SCHEMA_VERSION) {
      throw new PoisonMessageException(
          "unknown schema_version "
              + version.asInt()
              + " (this agent reads "
              + PipelineMessage.SCHEMA_VERSION
              + ")");
    }
    String type = o.path("type").asText("");
    try {
      String id = text(o, "request_id");
      return switch (type) {
        case "analysis_request" ->
            new AnalysisRequest(
                id,
                strings(o.get("targets")),
                Instant.parse(text(o, "submitted")),
                baseline(o.get("baseline")));
        case "log_chunk" ->
            new LogChunk(
                id,
                text(o, "build_id"),
                job(o.get("job")),
                o.get("index").intValue(),
                o.get("total").intValue(),
                o.get("first_line").longValue(),
                o.get("own_from").longValue(),
                o.get("own_to").longValue(),
                Objects.requireNonNull(data, "field data missing"),
                o.has("baseline") ? Optional.of(text(o, "baseline")) : Optional.empty());
        case "baseline_part" ->
            new PipelineMessage.BaselinePart(
                id,
                text(o, "set"),
                o.get("index").intValue(),
                o.get("total").intValue(),
                Objects.requireNonNull(data, "field data missing"));
        case "finding" -> new FindingMessage(id, FindingJson.read(o.get("finding")));
        case "progress" -> new Progress(event(id, o));
        case "request_completed" ->
            new PipelineMessage.RequestCompleted(id, Instant.parse(text(o, "at")));
        case "insight" ->
            new PipelineMessage.Insight(
                id,
                text(o, "cache_key"),
                o.has("explanation")
                    ? java.util.Optional.of(ExplanationJson.fromNode(o.get("explanation")))
                    : java.util.Optional.empty(),
                o.has("sent")
                    ? java.util.Optional.of(sent(id, o.get("sent")))
                    : java.util.Optional.empty());
        default -> throw new PoisonMessageException("unknown message type '" + type + "'");
      };
    } catch (PoisonMessageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PoisonMessageException(
          "malformed " + (type.isEmpty() ? "message" : type) + ": " + firstLine(e.toString()), e);
    }
  }

  /**
   * Decodes the base64 string whose opening quote is at {@code quote}, straight from the bytes:
   * base64 holds no quote and no escape, and going through a Java string would cost several times
   * as much for a chunk's half megabyte.
   */
  private static byte[] base64(byte[] json, int quote) {
    if (quote < 0 || quote >= json.length || json[quote] != '"') {
      throw new IllegalArgumentException("data is not a plain string");
    }
    int end = quote + 1;
    while (end < json.length && json[end] != '"') {
      if (json[end] == '\\') {
        throw new IllegalArgumentException("data holds an escape");
      }
      end++;
    }
    ByteBuffer decoded =
        Base64.getDecoder().decode(ByteBuffer.wrap(json, quote + 1, end - quote - 1));
    if (decoded.arrayOffset() == 0 && decoded.remaining() == decoded.array().length) {
      return decoded.array();
    }
    byte[] out = new byte[decoded.remaining()];
    decoded.get(out);
    return out;
  }

  private static RequestEvent event(String id, JsonNode o) {
    String stage = text(o, "stage");
    return switch (stage) {
      case "submitted" ->
          new RequestEvent.Submitted(id, text(o, "target"), Instant.parse(text(o, "at")));
      case "resolved" ->
          new RequestEvent.Resolved(
              id, text(o, "build_id"), text(o, "title"), o.path("project").asText(""));
      case "job_ingested" ->
          new RequestEvent.JobIngested(
              id,
              new JobRecord(
                  job(o.get("job")),
                  o.get("chunks").intValue(),
                  o.get("lines").longValue(),
                  o.get("bytes").longValue()));
      case "ingested" ->
          new RequestEvent.Ingested(
              id, o.get("chunks_total").intValue(), strings(o.get("warnings")));
      case "chunk_analyzed" ->
          new RequestEvent.ChunkAnalyzed(
              id,
              new ChunkRecord(
                  text(o, "job_id"),
                  o.get("index").intValue(),
                  o.get("own_from").longValue(),
                  o.get("own_to").longValue(),
                  stepLine(o.get("first_step_line")),
                  o.has("exit_step") ? Optional.of(text(o, "exit_step")) : Optional.empty()),
              strings(o.get("warnings")),
              o.has("known")
                  ? Optional.of(
                      new dev.destill.core.model.LineNovelty(
                          o.get("known").longValue(), o.get("fresh").longValue()))
                  : Optional.empty());
      case "baseline_chosen" ->
          new RequestEvent.BaselineChosen(
              id,
              o.has("source") ? Optional.of(text(o, "source")) : Optional.empty(),
              text(o, "note"));
      case "incomplete" -> new RequestEvent.Incomplete(id, text(o, "part"), text(o, "reason"));
      case "failed" -> new RequestEvent.Failed(id, text(o, "error"));
      default -> throw new PoisonMessageException("unknown progress stage '" + stage + "'");
    };
  }

  private static void baseline(JsonGenerator g, BaselineChoice choice) throws IOException {
    g.writeObjectFieldStart("baseline");
    switch (choice) {
      case BaselineChoice.None _ -> g.writeStringField("kind", "none");
      case BaselineChoice.Auto _ -> g.writeStringField("kind", "auto");
      case BaselineChoice.Given given -> {
        g.writeStringField("kind", "given");
        g.writeStringField("target", given.target());
      }
      case BaselineChoice.Uploaded u -> {
        g.writeStringField("kind", "uploaded");
        g.writeStringField("source", u.source());
        strings(g, "files", u.files());
        g.writeBooleanField("single", u.single());
      }
    }
    g.writeEndObject();
  }

  /** A request written before baselines had none. */
  private static BaselineChoice baseline(JsonNode b) {
    if (b == null) {
      return BaselineChoice.NONE;
    }
    String kind = text(b, "kind");
    return switch (kind) {
      case "none" -> BaselineChoice.NONE;
      case "auto" -> BaselineChoice.AUTO;
      case "given" -> new BaselineChoice.Given(text(b, "target"));
      case "uploaded" ->
          new BaselineChoice.Uploaded(
              text(b, "source"), strings(b.get("files")), b.path("single").asBoolean(false));
      default -> throw new PoisonMessageException("unknown baseline kind '" + kind + "'");
    };
  }

  private static JobInfo job(JsonNode j) {
    JsonNode exit = j.get("exit_status");
    return new JobInfo(
        text(j, "id"),
        text(j, "name"),
        JobState.parse(text(j, "state")),
        exit == null || exit.isNull() ? OptionalInt.empty() : OptionalInt.of(exit.intValue()));
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("field " + field + " missing");
    }
    return n.asText();
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    if (arr != null) {
      arr.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  @Override
  public byte[] deadLetter(Message original, String reason) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(original.value().length * 4 / 3 + 512);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("schema_version", PipelineMessage.SCHEMA_VERSION);
      g.writeStringField("type", "dead_letter");
      g.writeStringField("reason", reason);
      g.writeStringField("topic", original.topic());
      g.writeNumberField("partition", original.partition());
      g.writeNumberField("offset", original.offset());
      g.writeStringField("key", original.key());
      g.writeFieldName("value");
      g.writeBinary(original.value());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String one = s.lines().findFirst().orElse("");
    return one.length() > 200 ? one.substring(0, 200) + "…" : one;
  }

  private static OptionalLong stepLine(JsonNode n) {
    if (n == null || n.isNull() || n.longValue() == Long.MAX_VALUE) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(n.longValue());
  }
}
