package io.flowmesh.source.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.source.SourceMain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Serving through the source transformer, in-JVM: an http source with a transformer that splits
 * values at commas and drops {@code drop}, and a sink that replies with each value it gets. A sync
 * request is answered only when every output the transformer made of it is acked, with all their
 * replies; one the transformer drops gets an empty answer at once.
 */
class ServingThroughTransformerTest {

  private final Vertx vertx = Vertx.vertx();
  private final FakeTransformer transformer = new FakeTransformer();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Launched source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
    }
    transformer.stop();
    OnLoop.await(vertx.close(), 20_000);
  }

  @Test
  void aRequestSplitInTwoIsAnsweredWithBothOutputsAndADroppedOneWithNone() throws Exception {
    transformer.split = true;
    int edgePort = PortFinder.freePort();
    source = new SourceMain().launch(new String[] {"--source.type=http", "--source.http.port=0", "--source.edge.port=" + edgePort,
        "--source.edge.allowed-subscribers=sink", "--vertx.event-loops=1", "--source.transformer.enabled=true",
        "--source.transformer.address=" + transformer.start(vertx)}, Map.of());
    try (TestSink sink = new TestSink(edgePort, false,
        m -> List.of(ReplyOutput.newBuilder().setId(m.getId()).setVertex("out").setValue(m.getValue()).build()))) {
      JsonObject split = sync("left,right");
      assertEquals(List.of("left", "right"), values(split), split.encode());
      String id = split.getString("id");
      assertEquals(List.of(id + "/0", id + "/1"), ids(split), "the outputs' ids derive from the request's: " + split);
      JsonObject dropped = sync("drop");
      assertEquals(List.of(), values(dropped), "dropped by the transformer: an empty answer: " + dropped);
      JsonObject whole = sync("whole");
      assertEquals(List.of("whole"), values(whole), whole.encode());
      assertEquals(List.of(whole.getString("id")), ids(whole), "exactly one result keeps the input's id: " + whole);
      assertEquals(java.util.Set.of(id + "/0", id + "/1", whole.getString("id")), sink.byId.keySet(),
          "the sink got both halves and the whole one, not the dropped one");
    }
  }

  private JsonObject sync(String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort()
        + "/v1/process/sync?timeout=10s")).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), body + ": " + r.body());
    return new JsonObject(r.body());
  }

  private static List<String> values(JsonObject answer) {
    List<String> values = new ArrayList<>();
    JsonArray outputs = answer.getJsonArray("outputs");
    for (int i = 0; i < outputs.size(); i++) {
      values.add(new String(Base64.getDecoder().decode(outputs.getJsonObject(i).getString("value")), StandardCharsets.UTF_8));
    }
    values.sort(null);
    return values;
  }

  private static List<String> ids(JsonObject answer) {
    List<String> ids = new ArrayList<>();
    JsonArray outputs = answer.getJsonArray("outputs");
    for (int i = 0; i < outputs.size(); i++) {
      ids.add(outputs.getJsonObject(i).getString("id"));
    }
    ids.sort(null);
    return ids;
  }
}
