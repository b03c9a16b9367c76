package io.flowmesh.runtime.udf;

/**
 * A Numaflow gRPC service a UDF serves, by its full name ({@code package.Service}): its methods'
 * paths and its own {@code IsReady}. Every Numaflow service has an {@code IsReady} answering
 * {@code ReadyResponse{bool ready = 1}}.
 *
 * @param name the full service name, e.g. {@code map.v1.Map}
 */
public record UdfService(String name) {

  /** {@code map.v1.Map}: {@code MapFn} (unary, batch and stream map). */
  public static final UdfService MAP = new UdfService("map.v1.Map");
  /** {@code source.v1.Source}: {@code ReadFn}, {@code AckFn}, {@code PendingFn}, {@code PartitionsFn}. */
  public static final UdfService SOURCE = new UdfService("source.v1.Source");
  /** {@code sink.v1.Sink}: {@code SinkFn}. */
  public static final UdfService SINK = new UdfService("sink.v1.Sink");
  /** {@code sourcetransformer.v1.SourceTransform}: {@code SourceTransformFn}. */
  public static final UdfService SOURCE_TRANSFORM = new UdfService("sourcetransformer.v1.SourceTransform");

  public UdfService {
    if (name == null || name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("gRPC service name '" + name + "' is invalid; expected e.g. map.v1.Map");
    }
  }

  /** The HTTP/2 path of {@code method}: {@code /<name>/<method>}. */
  public String path(String method) {
    return "/" + name + "/" + method;
  }

  /** The path of this service's {@code IsReady}. */
  public String isReadyPath() {
    return path("IsReady");
  }

  @Override
  public String toString() {
    return name;
  }
}
