package dev.destill.live.syslog;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed syslog message.
 *
 * @param format which RFC it followed
 * @param facility 0–23
 * @param severity 0–7
 * @param time its timestamp, when it had one that says which instant (RFC 3164 stamps have no year
 *     or zone and are not believed)
 * @param host HOSTNAME, or empty
 * @param app APP-NAME (RFC 3164: the TAG), or empty
 * @param procId PROCID, or empty
 * @param msgId MSGID, or empty
 * @param structuredData STRUCTURED-DATA as sent, or empty
 * @param message MSG, the BOM removed
 */
public record SyslogMessage(
    Format format,
    int facility,
    int severity,
    Optional<Instant> time,
    String host,
    String app,
    String procId,
    String msgId,
    String structuredData,
    String message) {
  public SyslogMessage {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(procId, "procId");
    Objects.requireNonNull(msgId, "msgId");
    Objects.requireNonNull(structuredData, "structuredData");
    Objects.requireNonNull(message, "message");
    if (facility < 0 || facility > 23 || severity < 0 || severity > 7) {
      throw new IllegalArgumentException("facility or severity out of range");
    }
  }

  /** The RFC a message followed. */
  public enum Format {
    RFC5424,
    RFC3164
  }
}
