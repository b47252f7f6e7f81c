package dev.destill.server;

import dev.destill.core.DestillException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of {@code destill serve} as values (the application declares and reads them, with
 * their variables, defaults and docs, in its settings).
 *
 * @param host the address to bind
 * @param port the port, 0 for any free one
 * @param writeToken the bearer token of writes; empty: the API takes no writes
 * @param readToken the bearer token of reads, when reads need one
 * @param authReads whether reads need a token (the read or the write token)
 * @param githubSecret the GitHub webhook secret; empty: the route answers 404
 * @param buildkiteSecret the Buildkite webhook signing secret
 * @param buildkiteToken the Buildkite webhook token
 * @param gitlabToken the GitLab webhook token
 * @param replayWindow how old a Buildkite signature may be
 * @param maxBodyBytes largest JSON or webhook body
 * @param maxLogBytes largest uploaded log, after decompression
 * @param maxHeaderBytes largest request head
 * @param maxInFlight HTTP requests served at once; more get 429
 * @param maxConcurrentAnalyses analyses run at once (one-process mode)
 * @param maxQueuedAnalyses analyses accepted but not finished; more get 429
 * @param drain how long SIGTERM waits for requests in flight
 * @param keystore a PKCS12 or JKS keystore: when set the server speaks HTTPS only
 * @param keystorePassword its password
 */
public record ServerSettings(
    String host,
    int port,
    Optional<String> writeToken,
    Optional<String> readToken,
    boolean authReads,
    Optional<String> githubSecret,
    Optional<String> buildkiteSecret,
    Optional<String> buildkiteToken,
    Optional<String> gitlabToken,
    Duration replayWindow,
    long maxBodyBytes,
    long maxLogBytes,
    int maxHeaderBytes,
    int maxInFlight,
    int maxConcurrentAnalyses,
    int maxQueuedAnalyses,
    Duration drain,
    Optional<Path> keystore,
    Optional<String> keystorePassword) {

  public ServerSettings {
    java.util.Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be from 0 to 65535");
    }
    if (keystore.isPresent() && keystorePassword.isEmpty()) {
      throw new DestillException.BadInput(
          "set DESTILL_SERVER_KEYSTORE_PASSWORD to the password of DESTILL_SERVER_KEYSTORE");
    }
  }

  /** The settings without a secret's value: secrets show as set or unset. */
  @Override
  public String toString() {
    return "ServerSettings[host="
        + host
        + ", port="
        + port
        + ", token "
        + (writeToken.isPresent() ? "set" : "unset")
        + ", read token "
        + (readToken.isPresent() ? "set" : "unset")
        + ", authReads="
        + authReads
        + ", webhooks "
        + (githubSecret.isPresent() ? "github " : "")
        + (buildkiteSecret.isPresent() || buildkiteToken.isPresent() ? "buildkite " : "")
        + (gitlabToken.isPresent() ? "gitlab" : "")
        + "]";
  }

  /** Reads must carry a token. */
  public boolean readsNeedToken() {
    return authReads || readToken.isPresent();
  }
}
