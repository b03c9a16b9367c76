package io.flowmesh.bench.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code kafka-loop --bootstrap HOST:PORT --input TOPIC --output TOPIC --group GROUP --http-port PORT
 * [--client kafka-clients|vertx]}: the plain consume-then-produce loop that scenario 8 of
 * {@code scripts/bench.sh} measures as the limit of one broker, with its counters on
 * {@code /metrics}. Runs until SIGTERM; exits 1 when a record could not be produced.
 */
public final class KafkaLoopBench {

  private KafkaLoopBench() {
  }

  public static void main(String[] args) throws Exception {
    Options o = new Options("kafka-loop", args, Set.of("bootstrap", "input", "output", "group", "http-port", "client"));
    String bootstrap = o.get("bootstrap", null);
    String input = o.get("input", null);
    String output = o.get("output", null);
    String group = o.get("group", null);
    int port = (int) o.getLong("http-port", null);
    String client = o.get("client", "kafka-clients");
    LoopStats stats = new LoopStats(client);
    switch (client) {
      case "kafka-clients" -> plain(bootstrap, group, input, output, stats, port);
      case "vertx" -> vertx(bootstrap, group, input, output, stats, port);
      default -> throw new IllegalArgumentException("kafka-loop: --client must be kafka-clients or vertx, not '" + client + "'");
    }
  }

  private static void plain(String bootstrap, String group, String input, String output, LoopStats stats, int port) throws Exception {
    PlainKafkaLoop loop = new PlainKafkaLoop(bootstrap, group, input, output, stats);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      loop.stop();
      awaitQuietly(done);
    }));
    stats.serve(port);
    System.out.println("kafka-loop (kafka-clients): " + input + " -> " + output + ", group " + group + ", metrics on http://127.0.0.1:"
        + port + "/metrics");
    try {
      loop.run();
    } catch (RuntimeException e) {
      System.err.println("kafka-loop: " + e.getMessage());
      System.exit(1);
    } finally {
      stats.stop();
      done.countDown();
    }
  }

  private static void vertx(String bootstrap, String group, String input, String output, LoopStats stats, int port) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    VertxKafkaLoop[] loop = new VertxKafkaLoop[1];
    CountDownLatch started = new CountDownLatch(1);
    var consumer = VertxKafkaLoop.consumer(bootstrap, group);
    var producer = VertxKafkaLoop.producer(bootstrap);
    vertx.runOnContext(v -> {
      loop[0] = new VertxKafkaLoop(vertx, consumer, producer, input, output, stats);
      loop[0].start().onFailure(e -> {
        System.err.println("kafka-loop: " + e.getMessage());
        System.exit(1);
      });
      started.countDown();
    });
    started.await();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.runOnContext(v -> loop[0].stop().eventually(vertx::close).onComplete(ar -> done.countDown()));
      awaitQuietly(done);
    }));
    stats.serve(port);
    System.out.println("kafka-loop (vertx-kafka-client): " + input + " -> " + output + ", group " + group
        + ", metrics on http://127.0.0.1:" + port + "/metrics");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
