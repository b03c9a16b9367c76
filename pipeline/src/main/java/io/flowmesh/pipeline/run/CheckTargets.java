package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.deploy.Deployment;
import io.flowmesh.pipeline.deploy.UdfContainer;
import io.flowmesh.pipeline.deploy.VertexDeployment;
import io.flowmesh.pipeline.plan.RunPlan;
import io.flowmesh.pipeline.plan.ServicePlan;
import io.flowmesh.pipeline.plan.UdfPlan;
import io.flowmesh.pipeline.spec.VertexSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ConfigCheck} runs for a spec: each vertex's service with the config file and
 * environment its start gets, and each builtin UDF with its start's command line, each plus
 * {@code --check}. A UDF the spec gives as a command, an address or an image is the user's: it has
 * no {@code --check}.
 */
final class CheckTargets {

  private CheckTargets() {
  }

  /**
   * For a local run: the first replica of every vertex (its replicas differ only in the ports the
   * runner picks), its config file written into {@code runDir} as {@link Runner} writes it, and
   * every builtin UDF process.
   *
   * @param runDir the run folder ({@code ${run}}), where the config files go
   */
  static List<ConfigCheck.Target> of(RunPlan plan, List<String> javaCommand, Path root, Path runDir, String edgeToken) {
    List<ConfigCheck.Target> out = new ArrayList<>();
    for (String vertex : plan.order()) {
      ServicePlan s = plan.servicesOf(vertex).get(0);
      VertexSpec v = plan.spec().vertex(vertex).orElseThrow();
      out.add(new ConfigCheck.Target(s.process(), v.label(), check(ServiceCommand.of(javaCommand, root, s, runDir)),
          ServiceCommand.env(edgeToken)));
    }
    for (UdfPlan u : plan.udfs()) {
      VertexSpec v = plan.spec().vertex(u.vertex()).orElseThrow();
      boolean builtin = v.udfs().stream().anyMatch(spec -> spec.what().equals(u.what()) && spec.builtin() != null);
      if (builtin) {
        Map<String, String> env = new LinkedHashMap<>();
        u.env().forEach((k, value) -> env.put(k, ServiceCommand.resolve(value, runDir)));
        out.add(new ConfigCheck.Target(u.process(), v.label() + ": " + u.what() + ".builtin",
            check(u.command().stream().map(a -> ServiceCommand.resolve(a, runDir)).toList()), env));
      }
    }
    return out;
  }

  /**
   * For {@code --render}: every vertex with the settings its containers get (a UDF container's
   * address by its service name), {@link Deployment#DATA_DIR} standing for {@code dataDir} (a folder
   * on this machine, as the volume is in the container), and every builtin UDF container's command
   * run with this build's jar.
   *
   * @param dataDir an existing folder, where the config files go too
   */
  static List<ConfigCheck.Target> of(Deployment d, List<String> javaCommand, Path root, Path dataDir, String edgeToken) {
    List<ConfigCheck.Target> out = new ArrayList<>();
    for (VertexDeployment vd : d.vertices()) {
      Map<String, String> settings = new LinkedHashMap<>();
      vd.settings(UdfContainer::name).forEach((k, v) -> settings.put(k,
          vd.dataDir() && v.startsWith(Deployment.DATA_DIR) ? dataDir + v.substring(Deployment.DATA_DIR.length()) : v));
      List<String> command = ServiceCommand.of(javaCommand, ServiceCommand.jar(root, vd.kind()), settings,
          dataDir.resolve(vd.name() + ".yaml"));
      String label = "vertex '" + vd.name() + "'";
      out.add(new ConfigCheck.Target(vd.name(), label, check(command), ServiceCommand.env(edgeToken)));
      for (UdfContainer u : vd.udfs()) {
        if (u.image() == null) {
          // java -jar /app/flowmesh-udf.jar NAME ...: this build's jar instead of the image's
          List<String> udf = new ArrayList<>(javaCommand);
          udf.add("-jar");
          udf.add(builtinJar(root).toString());
          udf.addAll(u.command().subList(u.command().indexOf("-jar") + 2, u.command().size()));
          out.add(new ConfigCheck.Target(u.name(), label + ": " + u.what() + ".builtin", check(udf), u.env()));
        }
      }
    }
    return out;
  }

  /** The example UDFs' jar in this build. */
  static Path builtinJar(Path root) {
    return root.resolve("examples/udf-server/target/flowmesh-udf.jar");
  }

  /**
   * {@code command} (a {@code java} command line) checking instead of starting: {@code --check} at
   * the end, and the JVM's quick start-up option after the program (its own options, later, win).
   */
  private static List<String> check(List<String> command) {
    List<String> out = new ArrayList<>(command);
    out.add(1, "-XX:TieredStopAtLevel=1"); // a check is a short run: the quick compiler only
    out.add("--check");
    return out;
  }
}
