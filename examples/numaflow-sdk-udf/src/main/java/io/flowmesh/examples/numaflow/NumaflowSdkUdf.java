package io.flowmesh.examples.numaflow;

import java.util.List;

/**
 * Runs {@link UppercaseMapper} or {@link UppercaseBatchMapper} on the Numaflow Java SDK's own
 * server: {@code java -jar numaflow-sdk-udf.jar <unary|batch> [--port N | --socket PATH]}.
 *
 * <p>How the SDK picks where to listen: its {@code GRPCConfig} has an {@code isLocal} flag.
 * When true it serves plain TCP on {@code port} (default 50051) on all interfaces and writes no
 * server-info file; when false it serves the Unix socket {@code socketPath} and writes the
 * server-info file at {@code infoFilePath}. The SDK's default config sets {@code isLocal} to
 * "env {@code NUMAFLOW_POD} is unset"; a config built with {@code GRPCConfig.newBuilder()}
 * starts with {@code isLocal} false, so it must be set explicitly.
 */
public final class NumaflowSdkUdf {

  private NumaflowSdkUdf() {
  }

  public static void main(String[] args) throws Exception {
    SdkServerOptions options;
    try {
      options = SdkServerOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("numaflow-sdk-udf: " + e.getMessage() + "; " + SdkServerOptions.USAGE);
      System.exit(2);
      return;
    }
    SdkServer server = SdkServer.create(options);
    server.start();
    System.out.println("udf numaflow-sdk-uppercase listening on " + server.address()
        + " mode=" + (options.batch() ? "batch-map" : "unary-map"));
    System.out.flush();
    server.awaitTermination();
  }
}
