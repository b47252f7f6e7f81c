package dev.destill.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** Reading webhook bodies: JSON objects, and text fields that may be missing. */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Payloads() {}

  /** The body as a JSON object, or empty when it is not one. */
  static Optional<JsonNode> object(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The text at {@code path} (field names), empty when missing or not a scalar. */
  static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isValueNode() && !n.isNull() ? n.asText() : "";
  }
}
