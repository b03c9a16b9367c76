package io.flowmesh.map;

/** {@code java -jar map-service.jar [--config FILE] [--key=value ...]}; {@code --help} lists every key. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    new MapMain().main(args);
  }
}
