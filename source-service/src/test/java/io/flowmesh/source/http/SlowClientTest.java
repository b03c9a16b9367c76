package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slow clients on POST /ingest: others are still served, and a connection that stalls is closed after http.idle-timeout. */
class SlowClientTest {

  private Launched source;

  @BeforeEach
  void start() throws Exception {
    source = new SourceMain().launch(new String[] {"--source.type=http", "--source.http.port=0", "--source.edge.port=0",
        "--http.idle-timeout=1s", "--source.serving.timeout=500ms", "--source.serving.max-timeout=900ms",
        "--vertx.event-loops=2"}, Map.of());
  }

  @AfterEach
  void stop() {
    OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
  }

  @Test
  void stalledUploadsDoNotBlockOtherClientsAndAreClosedAfterTheIdleTimeout() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), source.httpPort());
        OutputStream out = s.getOutputStream();
        // Promise a body, send a sliver of it, then stall.
        out.write(("POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nab")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        slow.add(s);
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/ingest"))
          .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("fast")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(202, r.statusCode(), "a normal client is served while 20 uploads stall");
      long start = System.nanoTime();
      for (Socket s : slow) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
          // drain whatever the server says before it closes
        }
      }
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waitedMs < 8_000, "stalled connections were closed only after " + waitedMs + " ms");
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }
}
