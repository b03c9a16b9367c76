package io.flowmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serving-load} against a real HTTP server (Vert.x, in this JVM) that answers every third
 * request 503: the report counts those as errors and says what they were.
 */
class ServingLoadTest {

  private Vertx vertx;
  private HttpServer server;
  private final AtomicLong requests = new AtomicLong();

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
      boolean refuse = requests.incrementAndGet() % 3 == 0;
      req.response().setStatusCode(refuse ? 503 : 200).end(refuse ? "busy" : "ok");
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void refusedRequestsAreCountedAsErrorsAndNamedByTheirStatus(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("serving.json");
    ServingLoad.main(new String[] {"--url", "http://127.0.0.1:" + server.actualPort() + "/v1/process/sync",
        "--rate", "200", "--seconds", "2", "--warmup", "1", "--connections", "4", "--out", out.toString()});

    JsonObject r = new JsonObject(Files.readString(out));
    int errors = r.getInteger("errors");
    assertEquals(400, r.getInteger("sent"), "requests in the measured 2 s at 200/s");
    assertTrue(errors >= 120 && errors <= 147, "about a third of 400 refused: " + errors);
    assertEquals(400 - errors, r.getInteger("answered"));
    assertEquals(new JsonObject().put("status 503", errors), r.getJsonObject("error_kinds"));
  }
}
