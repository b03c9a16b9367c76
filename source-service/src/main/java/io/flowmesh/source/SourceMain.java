package io.flowmesh.source;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.Common;
import io.flowmesh.runtime.service.Vertex;
import io.flowmesh.runtime.service.VertexMain;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
import io.flowmesh.source.engine.SourceVerticle;
import io.flowmesh.source.generator.Generator;
import io.flowmesh.source.http.HttpIngest;
import io.flowmesh.source.http.IngestRoute;
import io.flowmesh.source.kafka.KafkaIntake;
import io.flowmesh.source.kafka.KafkaMetrics;
import io.flowmesh.source.udsource.UdSourceIntake;
import io.flowmesh.source.udsource.UdSourceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;

/** The source-service: a generator or an HTTP ingest endpoint, serving its edge. */
public final class SourceMain extends VertexMain<SourceConfig> {

  @Override
  protected String name() {
    return "source";
  }

  @Override
  protected Set<String> namespaces() {
    return Set.of("source");
  }

  @Override
  protected List<ConfigKey<?>> keys() {
    return SourceKeys.keys();
  }

  @Override
  protected SourceConfig configure(Settings s) {
    return SourceConfig.from(s);
  }

  @Override
  protected int httpPort(SourceConfig config) {
    return config.httpPort();
  }

  @Override
  protected Future<Vertex> start(Vertx vertx, SourceConfig config, Common common, PrometheusMeterRegistry registry) {
    SourceMetrics metrics = new SourceMetrics(registry, config.type());
    HttpIngest ingest = config.isHttp() ? new HttpIngest(config.ingest(), config.queueCapacity(), config.idleTimeout(), metrics, registry) : null;
    Producer producer = ingest != null ? ingest
        : config.isUdsource() ? new UdSourceIntake(config.udsource(), config.idleTimeout(), metrics, new UdSourceMetrics(registry))
        : config.isKafka() ? new KafkaIntake(config.kafka(), config.idleTimeout(), metrics, new KafkaMetrics(registry))
        : new Generator(config.generator(), metrics);
    SourceVerticle verticle = new SourceVerticle(common.host(), config.edgePort(), config.queueCapacity(),
        common.edge().withAuth(common.edge().auth().withAllowedSubscribers(config.allowedSubscribers())),
        config.idPrefix(), config.watermarkInterval(), registry, metrics, producer, common.vertexName())
        .transformer(config.transformer(), config.ingest().maxDelay(), config.idleTimeout())
        .routes(config.routes());
    IngestRoute route = ingest == null ? null
        : new IngestRoute(config.ingest(), common.edge().maxMessageBytes(), verticle, ingest, registry);
    return vertx.deployVerticle(verticle).map(id -> new SourceVertex(verticle, route));
  }
}
