package io.flowmesh.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.source.SourceMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Throws 10,000 random or mutated requests at {@code POST /ingest}: every answer is 202 or a 4xx
 * with a JSON reason, never a 5xx; the service keeps serving; the heap stays where it was.
 */
class IngestFuzzTest {

  private static final String TOKEN = "fuzz-token";
  private static final List<String> TYPES = List.of("application/x-ndjson", "text/plain", "application/octet-stream",
      "application/json", "application/x-www-form-urlencoded", "image/png", "application/x-ndjson; charset=utf-8", "");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Launched source;

  @BeforeEach
  void start() throws Exception {
    // No subscriber: the buffer fills, so 429 is among the answers too.
    source = new SourceMain().launch(new String[] {"--source.type=http", "--source.http.port=0", "--source.edge.port=0",
        "--source.queue-capacity=2000", "--source.http.token=" + TOKEN, "--source.http.max-body-bytes=2KiB",
        "--vertx.event-loops=2"}, Map.of());
  }

  @AfterEach
  void stop() {
    OnLoop.await(source.stop(Duration.ofMillis(200)), 20_000);
  }

  @Test
  void tenThousandRandomOrMutatedRequestsGetA202OrA4xxWithAReasonAndNothingLeaks() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    Map<Integer, Integer> codes = new TreeMap<>();
    List<String> bad = new ArrayList<>();
    long heapBefore = usedHeapAfterGc();
    for (int wave = 0; wave < 100; wave++) {
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        inFlight.add(http.sendAsync(request(r), HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : inFlight) {
        HttpResponse<String> resp = f.get();
        codes.merge(resp.statusCode(), 1, Integer::sum);
        boolean ok = resp.statusCode() == 202
            || (resp.statusCode() >= 400 && resp.statusCode() < 500 && resp.body().contains("\"error\""));
        if (!ok && bad.size() < 5) {
          bad.add(resp.statusCode() + " " + resp.body());
        }
      }
    }
    long heapAfter = usedHeapAfterGc();
    assertTrue(bad.isEmpty(), "answers that are neither 202 nor a 4xx with a reason: " + bad + " of " + codes);
    assertEquals(10_000, codes.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(codes.keySet().stream().allMatch(c -> c < 500), codes.toString());
    for (int expected : new int[] {202, 400, 401, 413, 415}) {
      assertTrue(codes.containsKey(expected), "the fuzzing never produced a " + expected + ": " + codes);
    }
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/livez"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertTrue(heapAfter < heapBefore + (64L << 20), "heap grew from " + (heapBefore >> 20) + " to " + (heapAfter >> 20) + " MiB");
  }

  private HttpRequest request(SplittableRandom r) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + source.httpPort() + "/ingest"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body(r))); // generous: a busy machine is slow, not wrong
    String type = TYPES.get(r.nextInt(TYPES.size()));
    if (!type.isEmpty()) {
      b.header("Content-Type", type);
    }
    switch (r.nextInt(6)) {
      case 0:
        break;
      case 1:
        b.header("Authorization", "Bearer wrong-" + r.nextInt(100));
        break;
      default:
        b.header("Authorization", "Bearer " + TOKEN);
        break;
    }
    if (r.nextInt(3) == 0) {
      b.header("X-Flowmesh-Event-Time", r.nextBoolean() ? Long.toString(r.nextLong()) : "not-a-time-" + r.nextInt());
    }
    if (r.nextInt(3) == 0) {
      b.header("X-Flowmesh-Keys", r.nextBoolean() ? "a,b,c" : ",,," + r.nextInt());
    }
    return b.build();
  }

  /** Valid NDJSON, NDJSON with bytes flipped or cut, random bytes, or an oversized body. */
  private static byte[] body(SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0: {
        byte[] b = new byte[r.nextInt(300)];
        r.nextBytes(b);
        return b;
      }
      case 1:
        return new byte[4096 + r.nextInt(4096)];
      default: {
        StringBuilder s = new StringBuilder();
        int lines = 1 + r.nextInt(5);
        for (int i = 0; i < lines; i++) {
          s.append("{\"value\":\"v").append(r.nextInt()).append("\",\"keys\":[\"k").append(r.nextInt(9))
              .append("\"],\"event_time\":").append(r.nextInt(1_000_000)).append("}\n");
        }
        byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
        int flips = r.nextInt(3);
        for (int i = 0; i < flips; i++) {
          b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return r.nextInt(6) == 0 ? java.util.Arrays.copyOf(b, r.nextInt(b.length)) : b;
      }
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }
}
