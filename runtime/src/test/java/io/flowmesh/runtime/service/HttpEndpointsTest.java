package io.flowmesh.runtime.service;

import io.flowmesh.runtime.auth.BearerToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standard endpoints on a real HTTP server, with {@code http.token} set. */
class HttpEndpointsTest {

  private static final String TOKEN = "metrics-s3cret";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Settings settings = Settings.load(CommonKeys.keys(), CommonKeys.NAMESPACES, new String[] {"--http.token=" + TOKEN}, Map.of());
    HttpEndpoints endpoints = new HttpEndpoints(vertx, "test", "test", MetricsRegistry.create("test", "test"), settings.effective(), () -> null,
        new BearerToken(settings.get(CommonKeys.HTTP_TOKEN)));
    port = OnLoop.await(endpoints.listen(endpoints.router(), "127.0.0.1", 0, Duration.ofSeconds(30)), 10_000);
  }

  @AfterEach
  void stop() {
    OnLoop.await(vertx.close(), 10_000);
  }

  private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertJsonError(HttpResponse<String> r, int status, String error) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(null), r.body());
    assertEquals(error, new JsonObject(r.body()).getString("error"), r.body());
  }

  @Test
  void metricsAndStatusAnswer401WithAJsonBodyWithoutTheRightBearerToken() throws Exception {
    for (String path : new String[] {"/metrics", "/status"}) {
      HttpResponse<String> r = send("GET", path);
      assertJsonError(r, 401, "unauthorized");
      assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(null));
      assertTrue(new JsonObject(r.body()).getString("reason").contains("http.token"), r.body());
      assertFalse(r.body().contains(TOKEN), "the refusal must not echo the token");
      assertJsonError(send("GET", path, "Authorization", "Bearer wrong"), 401, "unauthorized");
      assertJsonError(send("GET", path, "Authorization", "Basic " + TOKEN), 401, "unauthorized");
      assertEquals(200, send("GET", path, "Authorization", "Bearer " + TOKEN).statusCode(), path);
    }
  }

  @Test
  void statusShowsTheTokenMasked() throws Exception {
    HttpResponse<String> r = send("GET", "/status", "Authorization", "Bearer " + TOKEN);
    assertEquals("***", new JsonObject(r.body()).getJsonObject("config").getString("http.token"), r.body());
    assertFalse(r.body().contains(TOKEN));
  }

  @Test
  void statusShowsNotesOnTheConfigOnlyWhenThereAreAny() throws Exception {
    assertEquals(null, new JsonObject(send("GET", "/status", "Authorization", "Bearer " + TOKEN).body()).getJsonObject("configNotes"));
    HttpEndpoints noted = new HttpEndpoints(vertx, "test", "test", MetricsRegistry.create("test", "test"), Map.of("a.b", "5s"),
        Map.of("a.b", "capped at a.max=5s: the default 20s is above it"), () -> null, null);
    int notedPort = OnLoop.await(noted.listen(noted.router(), "127.0.0.1", 0, Duration.ofSeconds(30)), 10_000);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + notedPort + "/status"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    JsonObject status = new JsonObject(r.body());
    assertEquals("5s", status.getJsonObject("config").getString("a.b"), r.body());
    assertEquals("capped at a.max=5s: the default 20s is above it", status.getJsonObject("configNotes").getString("a.b"), r.body());
  }

  @Test
  void livezAndReadyzStayOpenForProbes() throws Exception {
    assertEquals(200, send("GET", "/livez").statusCode());
    HttpResponse<String> ready = send("GET", "/readyz");
    assertEquals(503, ready.statusCode(), "no vertex yet: starting, but not refused for a missing token");
    assertEquals("starting", new JsonObject(ready.body()).getString("reason"), ready.body());
  }

  @Test
  void anUnknownPathAnswers404AsJson() throws Exception {
    HttpResponse<String> r = send("GET", "/nope");
    assertJsonError(r, 404, "not_found");
    assertTrue(new JsonObject(r.body()).getString("reason").contains("/nope"), r.body());
  }

  @Test
  void anotherMethodOnAKnownPathAnswers405AsJson() throws Exception {
    HttpResponse<String> r = send("DELETE", "/livez");
    assertJsonError(r, 405, "method_not_allowed");
    assertTrue(new JsonObject(r.body()).getString("reason").contains("DELETE"), r.body());
  }
}
