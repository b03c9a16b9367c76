package io.flowmesh.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its built artifacts are. */
final class Project {

  private static final Path ROOT = locateRoot();

  private Project() {
  }

  /** The repository root: system property {@code flowmesh.root} (set by the POM), else found upwards. */
  static Path root() {
    return ROOT;
  }

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  /** The example UDF jar. */
  static Path udfJar() {
    return path("examples/udf-server/target/flowmesh-udf.jar");
  }

  /** The java launcher of the JDK running the tests. */
  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static Path locateRoot() {
    String configured = System.getProperty("flowmesh.root");
    Path start = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.dir"));
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("system-tests/pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the Flowmesh repository root from " + start
        + " (set -Dflowmesh.root=...)");
  }
}
