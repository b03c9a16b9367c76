package io.flowmesh.sink;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.Common;
import io.flowmesh.runtime.service.Vertex;
import io.flowmesh.runtime.service.VertexMain;
import io.flowmesh.sink.engine.SinkMetrics;
import io.flowmesh.sink.engine.SinkOptions;
import io.flowmesh.sink.engine.SinkVerticle;
import io.flowmesh.sink.udsink.UdSinkOutcomes;
import io.flowmesh.sink.writer.SinkWriter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sink-service: log, blackhole, NDJSON file, Kafka or a user-defined sink (with fallback and on-success sinks), subscribed to its upstream's edge. */
public final class SinkMain extends VertexMain<SinkConfig> {

  private static final Logger LOG = LoggerFactory.getLogger(SinkMain.class);

  /** The sink only dials: it needs tls.cert and tls.key only for mutual TLS. */
  @Override
  protected boolean servesEdge() {
    return false;
  }

  @Override
  protected String name() {
    return "sink";
  }

  @Override
  protected Set<String> namespaces() {
    return Set.of("sink");
  }

  @Override
  protected List<ConfigKey<?>> keys() {
    return SinkKeys.keys();
  }

  @Override
  protected SinkConfig configure(Settings s) {
    return SinkConfig.from(s);
  }

  @Override
  protected int httpPort(SinkConfig config) {
    return config.httpPort();
  }

  @Override
  protected Future<Vertex> start(Vertx vertx, SinkConfig config, Common common, PrometheusMeterRegistry registry) {
    SinkMetrics metrics = new SinkMetrics(registry, config.type(), config.instances());
    SinkOptions options = config.options(common.edge(), common.vertexName());
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    String prefix = "sink-" + HexFormat.of().formatHex(random);
    UdSinkOutcomes outcomes = new UdSinkOutcomes(registry);
    return SinkWriters.open(vertx, config, outcomes).compose(opened -> {
      SinkWriter writer = opened.writer();
      List<SinkVerticle> instances = new ArrayList<>();
      List<Future<String>> deployed = new ArrayList<>();
      for (int i = 0; i < config.instances(); i++) {
        SinkVerticle v = new SinkVerticle(i, options, writer, metrics, registry, prefix + "/" + i);
        instances.add(v);
        deployed.add(vertx.deployVerticle(v));
      }
      return Future.all(deployed)
          .<Vertex>map(cf -> new SinkVertex(config, instances, writer, outcomes, opened::close))
          .onSuccess(v -> LOG.info("sink started type={} writer={} upstream={} instances={} dedupeWindow={} throttle={}",
              config.type(), writer.describe(), config.upstream().describe(), config.instances(), config.dedupeWindow(), config.throttle()))
          .onFailure(e -> opened.close());
    });
  }
}
