package io.flowmesh.sink;

/** Entry point of {@code sink-service.jar}; {@code --help} lists every key. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    new SinkMain().main(args);
  }
}
