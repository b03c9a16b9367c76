package io.flowmesh.pipeline.plan;

import io.flowmesh.pipeline.spec.PipelineSpec;
import java.util.List;

/**
 * What the runner starts for a spec: the UDF processes, then one process per vertex replica.
 *
 * @param order the vertices from the sources down (a topological order): the order of stopping
 */
public record RunPlan(PipelineSpec spec, List<UdfPlan> udfs, List<ServicePlan> services, List<String> order) {

  public RunPlan {
    udfs = List.copyOf(udfs);
    services = List.copyOf(services);
    order = List.copyOf(order);
  }

  /** The processes of {@code vertex}, replica by replica. */
  public List<ServicePlan> servicesOf(String vertex) {
    return services.stream().filter(s -> s.vertex().equals(vertex)).toList();
  }
}
