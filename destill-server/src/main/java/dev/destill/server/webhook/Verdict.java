package dev.destill.server.webhook;

import dev.destill.server.analysis.Labels;
import java.util.Objects;

/** What a verified (or refused) webhook delivery asks the server to do. */
public sealed interface Verdict {
  /** Why, as a metric label: a small fixed set. */
  Reason reason();

  /**
   * The delivery is not authentic (401); {@code detail} is for the log and never holds a secret.
   */
  record Rejected(Reason reason, String detail) implements Verdict {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Authentic but malformed (400). */
  record Malformed(String detail) implements Verdict {
    public Malformed {
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public Reason reason() {
      return Reason.BAD_JSON;
    }
  }

  /** Authentic, and nothing to do: a ping, a passing build, another event (2xx). */
  record Ignored(Reason reason, String detail) implements Verdict {
    public Ignored {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * Authentic, about a failed build: analyze {@code url}.
   *
   * @param deliveryId what identifies this delivery across redeliveries
   */
  record Analyze(String deliveryId, String url, Labels labels) implements Verdict {
    public Analyze {
      Objects.requireNonNull(deliveryId, "deliveryId");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(labels, "labels");
    }

    @Override
    public Reason reason() {
      return Reason.ACCEPTED;
    }
  }

  /** The reasons a delivery ends up where it does, as they are counted in the metrics. */
  enum Reason {
    ACCEPTED,
    DUPLICATE,
    PING,
    IGNORED_EVENT,
    NOT_FAILED,
    MISSING_SIGNATURE,
    BAD_SIGNATURE,
    STALE_TIMESTAMP,
    BAD_JSON,
    OVERLOADED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
