package io.flowmesh.kubernetes;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository, the chart and the example pipelines are. */
final class Repo {

  static final Path ROOT = locate();
  static final Path CHART = ROOT.resolve("deploy/helm/flowmesh");

  private Repo() {
  }

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  /** An example pipeline of {@code examples/pipelines}. */
  static Path example(String name) {
    return ROOT.resolve("examples/pipelines").resolve(name + ".yaml");
  }

  private static Path locate() {
    for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("kubernetes-tests/pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("the repository (with kubernetes-tests/pom.xml) is not above " + System.getProperty("user.dir"));
  }
}
