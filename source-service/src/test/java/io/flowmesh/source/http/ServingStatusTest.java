package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /status} of a running source shows the serving timeout it uses, and why when that is not the default. */
class ServingStatusTest {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private JsonObject status(String... flags) throws Exception {
    String[] args = new String[flags.length + 4];
    System.arraycopy(new String[] {"--source.type=http", "--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=1"}, 0,
        args, 0, 4);
    System.arraycopy(flags, 0, args, 4, flags.length);
    Launched source = new SourceMain().launch(args, Map.of());
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/status"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return new JsonObject(r.body());
    } finally {
      OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
    }
  }

  @Test
  void statusShowsTheServingTimeoutCappedAtALowerMaximumAndSaysItWasCapped() throws Exception {
    JsonObject s = status("--source.serving.max-timeout=5s");
    assertEquals("5s", s.getJsonObject("config").getString("source.serving.timeout"), s.encodePrettily());
    assertEquals("capped at source.serving.max-timeout=5s: the default 20s is above it",
        s.getJsonObject("configNotes").getString("source.serving.timeout"), s.encodePrettily());
  }

  @Test
  void statusOfASourceAtItsDefaultsHasTheDefaultsAndNoNotes() throws Exception {
    JsonObject s = status();
    assertEquals("20s", s.getJsonObject("config").getString("source.serving.timeout"), s.encodePrettily());
    assertEquals("25s", s.getJsonObject("config").getString("source.serving.max-timeout"), s.encodePrettily());
    assertNull(s.getJsonObject("configNotes"), s.encodePrettily());
  }
}
