package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.app.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code destill serve} with {@code DESTILL_SERVER_KEYSTORE}: HTTPS only, with a keystore generated
 * here by the JDK's keytool (no private key is committed), spoken to by a real HTTPS client.
 */
class ServeTlsTest {
  private static final String PASSWORD = "tls-store-pass-0123";

  @TempDir Path home;

  private Path keystore() throws Exception {
    Path ks = home.resolve("server.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "destill",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return ks;
  }

  private static HttpClient trusting(Path ks) throws Exception {
    KeyStore trust = KeyStore.getInstance(ks.toFile(), PASSWORD.toCharArray());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void shouldServeHttpsOnlyFromTheKeystore() throws Exception {
    Path ks = keystore();
    try (ServeFixture f =
        ServeFixture.start(
            home,
            Map.of(
                Settings.SERVER_KEYSTORE.variable(),
                ks.toString(),
                Settings.SERVER_KEYSTORE_PASSWORD.variable(),
                PASSWORD))) {
      assertThat(f.serve.url()).startsWith("https://127.0.0.1:");
      HttpClient https = trusting(ks);

      HttpResponse<String> health =
          https.send(
              HttpRequest.newBuilder(URI.create(f.url("/health"))).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> submitted =
          https.send(
              HttpRequest.newBuilder(URI.create(f.url("/api/v1/analyses?job=tls")))
                  .header("Authorization", "Bearer " + ServeFixture.TOKEN)
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("[ERROR] BUILD FAILURE\n"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
      assertThat(json(submitted).path("request_id").asText()).startsWith("req-");
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create(f.url("/health"))).GET().build(),
                          HttpResponse.BodyHandlers.ofString()))
          .as("a client that does not trust the certificate is refused")
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(plainHttpAnswer(f.serve.port()))
          .as("no plain HTTP on the port")
          .doesNotContain("200 OK");
    }
  }

  @Test
  void shouldRefuseToStartWithAWrongKeystorePasswordInOneLine() throws Exception {
    Path ks = keystore();
    String wrong = "wrong-pass-0123456789";

    assertThatThrownBy(
            () ->
                ServeFixture.start(
                    home,
                    Map.of(
                        Settings.SERVER_KEYSTORE.variable(),
                        ks.toString(),
                        Settings.SERVER_KEYSTORE_PASSWORD.variable(),
                        wrong)))
        .isInstanceOf(dev.destill.core.DestillException.class)
        .hasMessageContaining("cannot read DESTILL_SERVER_KEYSTORE")
        .hasMessageContaining("is not its password")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining("\n");
  }

  /** What the port answers to a plain-text HTTP request (empty when it just closes). */
  private static String plainHttpAnswer(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(512), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
      return "";
    }
  }
}
