package io.flowmesh.pipeline.plan;

import java.util.List;
import java.util.Map;

/**
 * A UDF process the runner starts for a vertex.
 *
 * @param what which of the vertex's UDFs ({@code udf}, {@code source.transformer}, ...)
 * @param process the process's name, {@code <vertex>-<role>}, also its log's
 * @param address where it listens, as the vertex is told
 */
public record UdfPlan(String vertex, String what, String process, List<String> command, Map<String, String> env, String address) {

  public UdfPlan {
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }
}
