package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /ingest against clients that would hold the server: a trickling upload, an endless chunked
 * body, a huge declared length; and the JSON answers to wrong methods and paths. Real sockets,
 * the real HTTP server.
 */
class IngestLimitsTest {

  private static final long LIMIT = 4L << 20;
  private static final String HTTP_TOKEN = "status-s3cret";

  private Launched source;

  @BeforeEach
  void start() throws Exception {
    source = new SourceMain().launch(new String[] {"--source.type=http", "--source.http.port=0", "--source.edge.port=0",
        "--source.http.max-body-bytes=4MiB", "--source.http.request-timeout=1s", "--http.token=" + HTTP_TOKEN,
        "--vertx.event-loops=2"}, Map.of());
  }

  @AfterEach
  void stop() {
    OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
  }

  private double rejected(String reason) {
    return source.registry().get("flowmesh.source.http.rejected").tag("reason", reason).counter().count();
  }

  private double receivedBytes() {
    return source.registry().get("flowmesh.source.http.received.bytes").counter().count();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), source.httpPort());
    s.setSoTimeout(15_000);
    return s;
  }

  /** Everything the server sends until it closes the connection (or resets it after the answer). */
  private static String readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (SocketException reset) {
      // The server closed with our unread bytes in its buffer: a reset may follow its answer.
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static JsonObject jsonBody(String response) {
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  /** Writes on its own thread until told to stop or the server stops reading; counts what it wrote. */
  private static Thread writer(OutputStream out, byte[] chunk, long max, long pauseMillis, AtomicLong written,
      AtomicBoolean failed, AtomicBoolean stop) {
    Thread t = new Thread(() -> {
      try {
        while (!stop.get() && written.get() < max) {
          out.write(chunk);
          out.flush();
          written.addAndGet(chunk.length);
          if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
          }
        }
      } catch (IOException e) {
        failed.set(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "test-upload-writer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aTricklingUploadIsAnswered408AfterTheRequestTimeoutAndCounted() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write(("POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      AtomicLong written = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      // One byte every 100 ms: far inside http.idle-timeout (30 s), so only the request deadline can end it.
      Thread w = writer(s.getOutputStream(), new byte[] {'x'}, 100_000, 100, written, new AtomicBoolean(), stop);
      long start = System.nanoTime();
      String response = readUntilClosed(s.getInputStream());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      stop.set(true);
      w.join(5_000);
      assertTrue(response.startsWith("HTTP/1.1 408"), response);
      assertEquals("timeout", jsonBody(response).getString("error"), response);
      assertTrue(jsonBody(response).getString("reason").contains("source.http.request-timeout"), response);
      assertTrue(tookMs >= 800 && tookMs < 8_000, "cut off after " + tookMs + " ms, the deadline is 1 s");
      assertTrue(written.get() < 100, "the trickle was still being read: " + written.get() + " bytes");
    }
    assertEquals(1.0, rejected("timeout"));
    assertEquals(0L, OnLoop.await(source.vertex().status(), 5000).getLong("accepted"), "nothing was taken");
  }

  @Test
  void anOversizedChunkedUploadIsRefused413AtTheLimitAndNotReadFurther() throws Exception {
    long hundredMiB = 100L << 20;
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write("POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      // One 64 KiB chunk, framed: "10000\r\n" + data + "\r\n", written again and again.
      ByteArrayOutputStream chunk = new ByteArrayOutputStream();
      chunk.write((Integer.toHexString(64 * 1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunk.write(new byte[64 * 1024]);
      chunk.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] framed = chunk.toByteArray();
      AtomicLong written = new AtomicLong();
      AtomicBoolean failed = new AtomicBoolean();
      Thread w = writer(out, framed, hundredMiB, 0, written, failed, new AtomicBoolean());
      String response = readUntilClosed(s.getInputStream());
      w.join(15_000);
      assertFalse(w.isAlive(), "the upload is still being written after the server answered");
      assertTrue(response.startsWith("HTTP/1.1 413"), response.isEmpty() ? "no answer before the close" : response);
      assertEquals("too_large", jsonBody(response).getString("error"), response);
      assertTrue(failed.get(), "the client sent all " + written.get() + " bytes: the server swallowed them");
      assertTrue(written.get() < 40L << 20, "the client could write " + written.get() + " bytes before its writes failed");
    }
    double counted = receivedBytes();
    assertTrue(counted > LIMIT && counted < LIMIT + (1 << 20), "the server read " + (long) counted + " body bytes, limit " + LIMIT);
    assertEquals(1.0, rejected("too_large"));
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefused413BeforeTheBodyIsRead() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write(("POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " + (100L << 20)
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String response = readUntilClosed(s.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(jsonBody(response).getString("reason").contains("source.http.max-body-bytes"), response);
    }
    assertEquals(0.0, receivedBytes());
  }

  @Test
  void getOnIngestAnswers405WithAllowPostAndAJsonBody() throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + source.httpPort() + "/ingest")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, r.statusCode(), r.body());
    assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(null));
    assertEquals("method_not_allowed", new JsonObject(r.body()).getString("error"), r.body());
  }

  @Test
  void anUnknownPathAnswers404AsJsonAndStatusNeedsTheHttpTokenWhichItMasks() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + source.httpPort();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/ingest/x")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode(), r.body());
    assertEquals("not_found", new JsonObject(r.body()).getString("error"), r.body());
    r = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, r.statusCode(), r.body());
    r = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).header("Authorization", "Bearer " + HTTP_TOKEN).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("***", new JsonObject(r.body()).getJsonObject("config").getString("http.token"));
    assertFalse(r.body().contains(HTTP_TOKEN));
  }
}
