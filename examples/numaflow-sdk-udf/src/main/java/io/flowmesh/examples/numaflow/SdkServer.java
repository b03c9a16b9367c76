package io.flowmesh.examples.numaflow;

/**
 * One of the SDK's two servers (unary {@code mapper.Server} or {@code batchmapper.Server}),
 * configured from {@link SdkServerOptions}. The SDK's server classes share no interface, hence
 * this small one.
 */
interface SdkServer {

  /** Listens; on a socket also writes the server-info file. */
  void start() throws Exception;

  /** Blocks until the server has stopped. */
  void awaitTermination() throws InterruptedException;

  /** Stops the server, waiting up to the SDK's own grace period (30 s) for calls in progress. */
  void stop() throws InterruptedException;

  /** Where it listens, as {@code tcp://0.0.0.0:port} or {@code unix:///path}. */
  String address();

  /** The SDK server for these options. */
  static SdkServer create(SdkServerOptions options) {
    boolean local = options.socket() == null && (options.port() != null || System.getenv("NUMAFLOW_POD") == null);
    String address = local
        ? "tcp://0.0.0.0:" + (options.port() == null ? 50051 : options.port())
        : "unix://" + (options.socket() == null ? defaultSocket(options.batch()) : options.socket());
    return options.batch() ? batch(options, local, address) : unary(options, local, address);
  }

  private static String defaultSocket(boolean batch) {
    return batch ? "/var/run/numaflow/batchmap.sock" : "/var/run/numaflow/map.sock";
  }

  private static SdkServer unary(SdkServerOptions options, boolean local, String address) {
    var config = io.numaproj.numaflow.mapper.GRPCConfig.newBuilder().isLocal(local);
    if (options.port() != null) {
      config.port(options.port());
    }
    if (options.socket() != null) {
      config.socketPath(options.socket().toString());
    }
    if (options.serverInfoFile() != null) {
      config.infoFilePath(options.serverInfoFile().toString());
    }
    var server = new io.numaproj.numaflow.mapper.Server(new UppercaseMapper(), config.build());
    return new SdkServer() {
      public void start() throws Exception {
        server.start();
      }

      public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
      }

      public void stop() throws InterruptedException {
        server.stop();
      }

      public String address() {
        return address;
      }
    };
  }

  private static SdkServer batch(SdkServerOptions options, boolean local, String address) {
    var config = io.numaproj.numaflow.batchmapper.GRPCConfig.newBuilder().isLocal(local);
    if (options.port() != null) {
      config.port(options.port());
    }
    if (options.socket() != null) {
      config.socketPath(options.socket().toString());
    }
    if (options.serverInfoFile() != null) {
      config.infoFilePath(options.serverInfoFile().toString());
    }
    var server = new io.numaproj.numaflow.batchmapper.Server(new UppercaseBatchMapper(), config.build());
    return new SdkServer() {
      public void start() throws Exception {
        server.start();
      }

      public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
      }

      public void stop() throws InterruptedException {
        server.stop();
      }

      public String address() {
        return address;
      }
    };
  }
}
