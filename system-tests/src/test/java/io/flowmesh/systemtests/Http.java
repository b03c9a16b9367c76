package io.flowmesh.systemtests;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET requests, as {@code curl} would send them. */
final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {
  }

  /** One response: status, content type (empty when none) and body. */
  record Response(int status, String contentType, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** GETs {@code url}; throws when nothing answers. */
  static Response get(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The status of GET {@code url}, or -1 when nothing answers. */
  static int status(String url) {
    try {
      return get(url).status();
    } catch (IllegalStateException e) {
      return -1;
    }
  }
}
