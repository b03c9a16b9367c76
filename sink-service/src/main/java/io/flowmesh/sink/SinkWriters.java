package io.flowmesh.sink;

import io.flowmesh.sink.udsink.UdSinkOutcomes;
import io.flowmesh.sink.udsink.UdSinkWriter;
import io.flowmesh.sink.writer.BlackholeWriter;
import io.flowmesh.sink.writer.FallbackWriter;
import io.flowmesh.sink.writer.FileWriter;
import io.flowmesh.sink.writer.KafkaWriter;
import io.flowmesh.sink.writer.LogWriter;
import io.flowmesh.sink.writer.SinkWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the sink's writers from their {@link WriterSpec}s: the one place a writer is made, for
 * the primary, the fallback and the on-success sink alike. The fallback and on-success writers
 * are opened first, since a udsink primary hands messages on to them.
 *
 * <h2>Concurrency</h2>
 * Call from the starting context; the writers are then shared by the instances.
 */
final class SinkWriters {

  /** The writer the verticles use, and every writer opened (to close). */
  record Opened(SinkWriter writer, List<SinkWriter> all) {
    Future<Void> close() {
      List<Future<Void>> closing = new ArrayList<>();
      all.forEach(w -> closing.add(w.close()));
      return Future.join(closing).mapEmpty();
    }
  }

  private SinkWriters() {
  }

  static Future<Opened> open(Vertx vertx, SinkConfig c, UdSinkOutcomes outcomes) {
    List<SinkWriter> all = new ArrayList<>();
    Future<SinkWriter> fallback = c.fallback().present() ? one(vertx, c.fallback(), null, null, c, outcomes) : Future.succeededFuture();
    return fallback.compose(fb -> {
      if (fb != null) {
        all.add(fb);
      }
      Future<SinkWriter> ons = c.onSuccess().present() ? one(vertx, c.onSuccess(), null, null, c, outcomes) : Future.succeededFuture();
      return ons.compose(on -> {
        if (on != null) {
          all.add(on);
        }
        return one(vertx, c.primary(), fb, on, c, outcomes).map(primary -> {
          all.add(primary);
          SinkWriter used = "fallback".equals(c.onFailure()) && fb != null ? new FallbackWriter(primary, fb, outcomes) : primary;
          return new Opened(used, List.copyOf(all));
        });
      }).onFailure(e -> new Opened(null, all).close());
    });
  }

  /** One writer of {@code spec}; a udsink routes its FALLBACK and ON_SUCCESS answers to {@code fallback} and {@code onSuccess}. */
  static Future<SinkWriter> one(Vertx vertx, WriterSpec spec, SinkWriter fallback, SinkWriter onSuccess, SinkConfig c,
      UdSinkOutcomes outcomes) {
    return switch (spec.type()) {
      case "file" -> FileWriter.open(vertx, spec.path(), spec.fsync(), spec.maxFileBytes(), spec.keepFiles()).map(w -> w);
      case "blackhole" -> Future.succeededFuture(new BlackholeWriter());
      case "kafka" -> KafkaWriter.open(vertx, spec.kafkaBootstrap(), spec.kafkaTopic(), spec.kafkaMaxBytes(), spec.kafkaClient())
          .map(w -> w);
      case "udsink" -> UdSinkWriter.open(vertx, spec.udsink(), spec.role(), fallback, onSuccess, c.retryAttempts(), c.retryInitial(),
          c.retryMax(), outcomes);
      default -> Future.succeededFuture(new LogWriter(vertx, System.out));
    };
  }
}
