package io.flowmesh.udf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions a UDF prints for {@code --version}. */
public final class UdfVersion {

  private static final String RESOURCE = "flowmesh-udf-server.properties";

  private UdfVersion() {
  }

  /** The version of this library (flowmesh-udf-server), from a resource the build fills in. */
  public static String library() {
    try (InputStream in = UdfVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * The version of the jar {@code type} was loaded from ({@code Implementation-Version} of its
   * manifest), or null when it has none (classes run from a build folder, or a manifest without it).
   */
  public static String jarOf(Class<?> type) {
    Package p = type.getPackage();
    return p == null ? null : p.getImplementationVersion();
  }

  /** {@code <name> <jar version> (flowmesh-udf-server <library version>)}, the jar version left out when unknown. */
  public static String line(String name, Class<?> mainClass) {
    String jar = jarOf(mainClass);
    return name + (jar == null ? "" : " " + jar) + " (flowmesh-udf-server " + library() + ")";
  }
}
