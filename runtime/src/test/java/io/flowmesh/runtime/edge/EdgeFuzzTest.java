package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Credit;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.Nack;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Throws 10,000 random and mutated frames at an edge server, each on its own stream: the server
 * must answer every bad one with a status and a reason, keep serving a well-behaved subscriber
 * throughout, leak no subscription, and keep its heap where it was.
 */
class EdgeFuzzTest extends TwoVertxEdgeTest {

  @Test
  void tenThousandRandomOrMutatedFramesAreRejectedWithReasonsWithoutCrashOrLeak() {
    EdgeOptions options = EdgeOptions.defaults();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", options, 1000, new SimpleMeterRegistry()));
    AtomicLong produced = new AtomicLong();
    run(up, () -> server.demandHandler(v -> {
      while (server.room() > 0) {
        server.offer(EdgeTest.msg(produced.getAndIncrement()), null);
      }
    }));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));

    // A well-behaved subscriber that must keep receiving while the fuzzing goes on.
    AtomicLong good = new AtomicLong();
    EdgeSubscriber sub = call(down, () -> new EdgeSubscriber(downVertx, "good", "good", new HostPort("127.0.0.1", server.port()),
        options.withInputCapacity(64), new SimpleMeterRegistry()));
    run(down, () -> sub.handler(d -> {
      good.incrementAndGet();
      downVertx.setTimer(1, id -> sub.ack(d));
    }).start());
    until(() -> good.get() > 100, 10_000, () -> "the good subscriber to start");

    long heapBefore = usedHeapAfterGc();
    GrpcClient client = GrpcClient.client(downVertx, new GrpcClientOptions().setMaxMessageSize(64 << 20),
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    SocketAddress address = SocketAddress.inetSocketAddress(server.port(), "127.0.0.1");
    SplittableRandom random = new SplittableRandom(20261121);
    Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    List<String> reasonless = new ArrayList<>();
    int total = 10_000;
    int wave = 100;
    for (int sent = 0; sent < total; sent += wave) {
      List<Future<Void>> streams = new ArrayList<>();
      for (int i = 0; i < wave; i++) {
        Buffer frame = frame(random);
        streams.add(call(down, () -> oneStream(client, address, frame, statuses, reasonless)));
      }
      io.flowmesh.runtime.testing.OnLoop.await(Future.join(streams), 30_000);
    }
    long goodBefore = good.get();
    until(() -> good.get() > goodBefore + 100, 10_000, () -> "the good subscriber to keep receiving");
    until(() -> call(up, server::subscriberCount) == 1, 10_000, () -> "fuzz subscriptions to be released");
    long heapAfter = usedHeapAfterGc();

    long answered = statuses.entrySet().stream().filter(e -> !e.getKey().startsWith("no status") && !e.getKey().equals("reset"))
        .mapToLong(e -> e.getValue().get()).sum();
    assertEquals(total, answered, "every stream ended with a status: " + statuses);
    assertTrue(reasonless.isEmpty(), "errors without a reason: " + reasonless.subList(0, Math.min(5, reasonless.size())));
    assertTrue(statuses.getOrDefault("INVALID_ARGUMENT", new AtomicLong()).get() > 0, statuses.toString());
    assertTrue(statuses.getOrDefault("FAILED_PRECONDITION", new AtomicLong()).get() > 0, statuses.toString());
    assertTrue(heapAfter < heapBefore + (64L << 20), "heap grew from " + (heapBefore >> 20) + " MiB to " + (heapAfter >> 20)
        + " MiB over the fuzzing");
  }

  @Test
  void aMalformedFrameIsAnsweredWithInvalidArgumentSayingItIsNotAFrame() {
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", EdgeOptions.defaults(), 10, new SimpleMeterRegistry()));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    GrpcClient client = GrpcClient.client(downVertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    List<String> reasonless = new ArrayList<>();
    Buffer garbage = Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    io.flowmesh.runtime.testing.OnLoop.await(call(down, () -> oneStream(client,
        SocketAddress.inetSocketAddress(server.port(), "127.0.0.1"), garbage, statuses, reasonless)), 10_000);
    assertEquals(Map.of("INVALID_ARGUMENT", 1L), Map.of(statuses.keySet().iterator().next(),
        statuses.values().iterator().next().get()), statuses.toString());
    assertTrue(reasonless.isEmpty());
  }

  /** Sends one frame on a fresh stream, then ends it; records the status the server answered with. */
  private static Future<Void> oneStream(GrpcClient client, SocketAddress address, Buffer frame, Map<String, AtomicLong> statuses,
      List<String> reasonless) {
    Promise<Void> done = Promise.promise();
    client.request(address).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      var req = ar.result();
      req.serviceName(ServiceName.create("flowmesh.edge.v1", "Edge")).methodName("Subscribe");
      req.response().onComplete(rar -> {
        if (rar.failed()) {
          statuses.computeIfAbsent("no status: " + rar.cause(), k -> new AtomicLong()).incrementAndGet();
          done.tryComplete();
          return;
        }
        var resp = rar.result();
        resp.handler(b -> { });
        resp.endHandler(v -> {
          GrpcStatus status = resp.status();
          String message = resp.statusMessage() != null ? resp.statusMessage() : resp.trailers().get("grpc-message");
          statuses.computeIfAbsent(status == null ? "none" : status.name(), k -> new AtomicLong()).incrementAndGet();
          if (status != GrpcStatus.OK && (message == null || message.isBlank())) {
            synchronized (reasonless) {
              reasonless.add(status + " for frame of " + frame.length() + " bytes");
            }
          }
          done.tryComplete();
        });
        resp.exceptionHandler(e -> {
          statuses.computeIfAbsent("reset", k -> new AtomicLong()).incrementAndGet();
          done.tryComplete();
        });
      });
      req.write(frame).onComplete(w -> req.end());
    });
    return done.future();
  }

  /** A random byte string, or a valid frame with a few bytes flipped, truncated or extended. */
  private static Buffer frame(SplittableRandom r) {
    if (r.nextInt(4) == 0) {
      byte[] b = new byte[r.nextInt(200)];
      r.nextBytes(b);
      return Buffer.buffer(b);
    }
    SubscriberFrame valid;
    switch (r.nextInt(4)) {
      case 0:
        valid = SubscriberFrame.newBuilder().setHello(Hello.newBuilder().setSubscriberId("f" + r.nextInt()).setVertex("fuzz")
            .setProtocolVersion(r.nextInt(3)).setInitialCredit(r.nextLong(1000))).build();
        break;
      case 1:
        valid = SubscriberFrame.newBuilder().setCredit(Credit.newBuilder().setMessages(r.nextLong(1 << 20))).build();
        break;
      case 2:
        valid = SubscriberFrame.newBuilder().setAck(Ack.newBuilder().addSeqs(r.nextLong(1000)).addSeqs(r.nextLong())).build();
        break;
      default:
        valid = SubscriberFrame.newBuilder().setNack(Nack.newBuilder().addSeqs(r.nextLong(1000)).setReason("fuzz")).build();
        break;
    }
    byte[] b = valid.toByteArray();
    int flips = r.nextInt(4);
    for (int i = 0; i < flips && b.length > 0; i++) {
      b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
    }
    if (b.length > 2 && r.nextInt(5) == 0) {
      b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
    }
    return Buffer.buffer(b);
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
