package io.flowmesh.source;

/** Entry point of {@code source-service.jar}; {@code --help} lists every key. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    new SourceMain().main(args);
  }
}
