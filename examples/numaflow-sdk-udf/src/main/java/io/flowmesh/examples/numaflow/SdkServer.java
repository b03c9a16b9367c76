package io.flowmesh.examples.numaflow;

/**
 * One of the SDK's servers ({@code mapper.Server}, {@code batchmapper.Server},
 * {@code mapstreamer.Server}, ...), configured from {@link SdkServerOptions}. The SDK's server
 * classes share no interface, hence this small one.
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

  /** The SDK's default port when serving TCP without {@code --port}. */
  int DEFAULT_PORT = 50051;

  /** The unary or batch map server ({@link UppercaseMapper}, {@link UppercaseBatchMapper}) for these options. */
  static SdkServer map(boolean batch, SdkServerOptions options) throws java.io.IOException {
    options.createServerInfoDirectory(); // SDK 0.9.2's batch server writes its info file even on TCP
    if (batch) {
      var config = io.numaproj.numaflow.batchmapper.GRPCConfig.newBuilder();
      options.configure(DEFAULT_PORT, config::isLocal, config::port, config::socketPath, config::infoFilePath);
      var server = new io.numaproj.numaflow.batchmapper.Server(new UppercaseBatchMapper(), config.build());
      return of(server::start, server::awaitTermination, server::stop,
          options.address(DEFAULT_PORT, "/var/run/numaflow/batchmap.sock"));
    }
    var config = io.numaproj.numaflow.mapper.GRPCConfig.newBuilder();
    options.configure(DEFAULT_PORT, config::isLocal, config::port, config::socketPath, config::infoFilePath);
    var server = new io.numaproj.numaflow.mapper.Server(new UppercaseMapper(), config.build());
    return of(server::start, server::awaitTermination, server::stop, options.address(DEFAULT_PORT, "/var/run/numaflow/map.sock"));
  }

  /** A call that may throw, as the SDK servers' start and stop do. */
  interface Call {
    void run() throws Exception;
  }

  /** An {@link SdkServer} from an SDK server's three methods and its address. */
  static SdkServer of(Call start, Call awaitTermination, Call stop, String address) {
    return new SdkServer() {
      public void start() throws Exception {
        start.run();
      }

      public void awaitTermination() throws InterruptedException {
        run(awaitTermination);
      }

      public void stop() throws InterruptedException {
        run(stop);
      }

      public String address() {
        return address;
      }

      private void run(Call call) throws InterruptedException {
        try {
          call.run();
        } catch (InterruptedException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /** Starts {@code server}, prints {@code line} (the "listening on" line tests and scripts wait for), and waits until it stops. */
  static void serve(SdkServer server, String line) throws Exception {
    server.start();
    System.out.println(line);
    System.out.flush();
    server.awaitTermination();
  }
}
