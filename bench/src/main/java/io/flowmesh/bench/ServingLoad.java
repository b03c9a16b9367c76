package io.flowmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code serving-load --url URL --rate R --seconds S [--warmup W] [--connections C] [--method M] --out FILE}:
 * an open-loop load of {@code POST URL} (a serving endpoint; {@code --method GET} for a probe such as
 * {@code /livez}, to tell the server's own tail from the pipeline's) at R requests/s for W + S seconds, over an
 * HTTP/1.1 pool of C connections; each request's latency counts from when it was due (so a stalled
 * server is not hidden by fewer sends). Writes JSON to FILE: rate asked, sent, answered (200),
 * errors, the achieved rate (answered over the time from the first measured request's due time to
 * the last answer: below the rate asked when the pipeline cannot keep up) and p50/p99/p99.9 in ms
 * over the S measured seconds.
 *
 * <p>Concurrency: every request is sent and answered on the client's one event loop.
 */
final class ServingLoad {

  private ServingLoad() {
  }

  static void main(String[] args) throws Exception {
    URI url = null;
    double rate = 1000;
    int seconds = 10;
    int warmup = 5;
    int connections = 64;
    HttpMethod method = HttpMethod.POST;
    Path out = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = URI.create(args[i + 1]);
        case "--rate" -> rate = Double.parseDouble(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--method" -> method = HttpMethod.valueOf(args[i + 1].toUpperCase(java.util.Locale.ROOT));
        default -> throw new IllegalArgumentException("serving-load: unknown option " + args[i]);
      }
    }
    if (url == null || out == null) {
      throw new IllegalArgumentException("serving-load needs --url and --out");
    }
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    long total = (long) (rate * (warmup + seconds));
    long measuredFrom = (long) (rate * warmup);
    long[] latencies = new long[(int) (total - measuredFrom)];
    int[] counts = new int[3]; // sent, ok, errors (measured part)
    // What the errors were: "status 503", or the exception's class and message; counted, for the report.
    java.util.TreeMap<String, Integer> errorKinds = new java.util.TreeMap<>();
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    double intervalNanos = 1e9 / rate;
    boolean withBody = method == HttpMethod.POST || method == HttpMethod.PUT;
    RequestOptions o = new RequestOptions().setMethod(method).setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    long[] next = {0};
    long[] answered = {0};
    long[] lastAnswer = {0};
    vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (next[0] < total && start + (long) (next[0] * intervalNanos) <= now) {
        long i = next[0]++;
        long due = start + (long) (i * intervalNanos);
        Buffer body = withBody ? Buffer.buffer("request-" + i, StandardCharsets.UTF_8.name()) : null;
        client.request(o).compose(req -> body == null ? req.send() : req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
            .onComplete(ar -> {
              if (i >= measuredFrom) {
                int k = (int) (i - measuredFrom);
                counts[0]++;
                if (ar.succeeded() && ar.result() == 200) {
                  counts[1]++;
                  lastAnswer[0] = System.nanoTime();
                  latencies[k] = lastAnswer[0] - due;
                } else {
                  counts[2]++;
                  latencies[k] = -1;
                  String kind = ar.succeeded() ? "status " + ar.result()
                      : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
                  if (errorKinds.size() < 20 || errorKinds.containsKey(kind)) {
                    errorKinds.merge(kind, 1, Integer::sum);
                  }
                }
              }
              if (++answered[0] == total) {
                done.countDown();
              }
            });
      }
      if (next[0] == total) {
        vertx.cancelTimer(id);
      }
    }));
    boolean finished = done.await(warmup + seconds + 120L, TimeUnit.SECONDS);
    long[] ok = Arrays.stream(latencies).filter(l -> l > 0).sorted().toArray();
    JsonObject r = new JsonObject().put("rate", rate).put("seconds", seconds).put("sent", counts[0]).put("answered", counts[1])
        .put("errors", counts[2] + (finished ? 0 : (int) (total - answered[0]))).put("finished", finished)
        .put("error_kinds", new JsonObject(new java.util.LinkedHashMap<String, Object>(errorKinds)))
        .put("achieved_rate", lastAnswer[0] == 0 ? 0 : counts[1] / ((lastAnswer[0] - (start + (long) (measuredFrom * intervalNanos))) / 1e9))
        .put("p50_ms", q(ok, 0.50)).put("p99_ms", q(ok, 0.99)).put("p999_ms", q(ok, 0.999))
        .put("per_second", perSecond(latencies, rate));
    Files.writeString(out, r.encodePrettily());
    System.out.println(r.encode());
    vertx.close().await();
  }

  /**
   * Per second of the measured window (by when each request was due): the slowest answer (ms), how
   * many answers took longer than 10 ms, and how many requests failed or got no answer, so a tail
   * can be told from a burst (a pause) or a spread, and a second of failures does not look clean.
   */
  private static JsonArray perSecond(long[] latencies, double rate) {
    JsonArray seconds = new JsonArray();
    int k = 0;
    for (int second = 0; k < latencies.length; second++) {
      long max = 0;
      int over10 = 0;
      int failed = 0;
      for (; k < latencies.length && k / rate < second + 1; k++) {
        long l = latencies[k];
        if (l <= 0) { // -1: failed; 0: not answered by the end
          failed++;
          continue;
        }
        max = Math.max(max, l);
        if (l > 10_000_000L) {
          over10++;
        }
      }
      seconds.add(new JsonObject().put("max_ms", max / 1e6).put("over_10ms", over10).put("failed", failed));
    }
    return seconds;
  }

  /** The {@code q} quantile of {@code sorted} nanoseconds, in ms (the nearest rank); null when empty. Shared with {@link UdfProbe}. */
  static Double q(long[] sorted, double q) {
    if (sorted.length == 0) {
      return null;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
