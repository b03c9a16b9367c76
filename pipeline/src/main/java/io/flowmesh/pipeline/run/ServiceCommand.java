package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.plan.ServicePlan;
import io.flowmesh.pipeline.spec.VertexKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the runner starts a service process: its jar in this build, its config file, its command
 * line and what it gets in its environment. The one place these are made, for a start
 * ({@link Runner}) and for a check ({@link CheckTargets}).
 */
public final class ServiceCommand {

  private ServiceCommand() {
  }

  /** The jar of a service kind in this build. */
  public static Path jar(Path root, VertexKind kind) {
    return root.resolve(kind.service() + "-service/target/" + kind.service() + "-service.jar");
  }

  /** {@code text} with {@code ${run}} replaced by {@code runDir}. */
  static String resolve(String text, Path runDir) {
    return text.replace("${run}", runDir.toString());
  }

  /**
   * Writes the config file of service process {@code s} into the run folder ({@code ${run}}
   * resolved) and returns the command that starts it with that file: the one place a service's
   * command line is made, for its start and for its check ({@link CheckTargets}).
   */
  static List<String> of(List<String> javaCommand, Path root, ServicePlan s, Path runDir) {
    Map<String, String> settings = new LinkedHashMap<>();
    s.settings().forEach((k, v) -> settings.put(k, resolve(v, runDir)));
    return of(javaCommand, jar(root, s.kind()), settings, runDir.resolve(s.process() + ".yaml"));
  }

  /** Writes {@code settings} to {@code config} and returns the command that starts {@code jar} with it. */
  static List<String> of(List<String> javaCommand, Path jar, Map<String, String> settings, Path config) {
    writeConfig(config, settings);
    List<String> command = new ArrayList<>(javaCommand);
    command.add("-jar");
    command.add(jar.toString());
    command.add("--config");
    command.add(config.toString());
    return command;
  }

  /** What a service process gets in its environment besides the runner's (less {@code FLOWMESH_*}): the edge token. */
  static Map<String, String> env(String edgeToken) {
    return Map.of("FLOWMESH_EDGE_TOKEN", edgeToken);
  }

  /** The settings as a flat YAML file, every key and value quoted; the edge token goes by the environment. */
  static void writeConfig(Path file, Map<String, String> settings) {
    StringBuilder b = new StringBuilder("# written by the pipeline runner for one process; flat keys, as --config reads them\n");
    settings.forEach((k, v) -> {
      if (!k.equals("edge.token")) {
        b.append(quote(k)).append(": ").append(quote(v)).append('\n');
      }
    });
    try {
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
