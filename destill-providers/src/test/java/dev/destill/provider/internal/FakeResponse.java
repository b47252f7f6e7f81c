package dev.destill.provider.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A bodiless response with given status and headers, for header-parsing tests. */
record FakeResponse(int statusCode, Map<String, List<String>> headerMap)
    implements HttpResponse<Void> {
  @Override
  public HttpRequest request() {
    return HttpRequest.newBuilder(URI.create("https://api.example/")).build();
  }

  @Override
  public Optional<HttpResponse<Void>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return HttpHeaders.of(headerMap, (k, v) -> true);
  }

  @Override
  public Void body() {
    return null;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.empty();
  }

  @Override
  public URI uri() {
    return URI.create("https://api.example/");
  }

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }
}
