package io.flowmesh.systemtests;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A running vertex service: its process and its HTTP endpoints. */
final class ServiceProcess implements AutoCloseable {

  private final Vertex vertex;
  private final JavaProcess process;
  private final int httpPort;

  private ServiceProcess(Vertex vertex, JavaProcess process, int httpPort) {
    this.vertex = vertex;
    this.process = process;
    this.httpPort = httpPort;
  }

  /** Starts the vertex's jar with this environment (which must set its HTTP port). */
  static ServiceProcess start(Vertex vertex, Map<String, String> env, Path dir) {
    return start(vertex, vertex.id(), env, dir);
  }

  /** As {@link #start(Vertex, Map, Path)}, logging to {@code dir/<name>.log} (e.g. a second replica). */
  static ServiceProcess start(Vertex vertex, String name, Map<String, String> env, Path dir) {
    return start(vertex, name, env, dir, JavaProcess.JVM_OPTIONS);
  }

  /** As {@link #start(Vertex, Map, Path)} with these JVM options. */
  static ServiceProcess start(Vertex vertex, Map<String, String> env, Path dir, List<String> jvmOptions) {
    return start(vertex, vertex.id(), env, dir, jvmOptions);
  }

  /** As {@link #start(Vertex, String, Map, Path)} with these JVM options. */
  static ServiceProcess start(Vertex vertex, String name, Map<String, String> env, Path dir, List<String> jvmOptions) {
    String portEnv = Keys.envName(vertex.httpPortKey());
    int port = Integer.parseInt(env.get(portEnv));
    return new ServiceProcess(vertex, JavaProcess.start(name, vertex.jar(), jvmOptions, List.of(), env, dir), port);
  }

  Vertex vertex() {
    return vertex;
  }

  JavaProcess process() {
    return process;
  }

  int httpPort() {
    return httpPort;
  }

  String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  Http.Response get(String path) {
    return Http.get(url(path));
  }

  JsonObject status() {
    return get("/status").json();
  }

  /** Waits until {@code /readyz} answers 200; fails at once if the process exits. */
  void awaitReady(Duration timeout) {
    Await.until(vertex + " ready", timeout, () -> {
      if (!process.alive()) {
        throw new AssertionError(vertex + " exited while starting\n" + process.logTail(30));
      }
      return Http.status(url("/readyz")) == 200;
    }, () -> "last /readyz: " + lastReadyz() + "\n" + process.logTail(30));
  }

  /** Waits until the HTTP endpoint answers {@code /livez}, ready or not; fails at once if the process exits. */
  void awaitListening(Duration timeout) {
    Await.until(vertex + " listening", timeout, () -> {
      if (!process.alive()) {
        throw new AssertionError(vertex + " exited while starting\n" + process.logTail(30));
      }
      return Http.status(url("/livez")) == 200;
    }, () -> process.logTail(30));
  }

  private String lastReadyz() {
    try {
      Http.Response r = get("/readyz");
      return r.status() + " " + r.body();
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
