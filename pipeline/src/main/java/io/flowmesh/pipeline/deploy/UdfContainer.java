package io.flowmesh.pipeline.deploy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A UDF container of a vertex: the spec's {@code container} (its image, command, args, env), or for
 * a {@code builtin} UDF the Flowmesh image running {@code java -jar /app/flowmesh-udf.jar NAME
 * --address tcp://0.0.0.0:PORT}. It listens on TCP {@link #port()} on every interface.
 *
 * @param vertex the vertex that talks to it
 * @param what which of the vertex's UDFs ({@code udf}, {@code source.transformer}, ...)
 * @param role its short name ({@code udf}, {@code transformer}, {@code udsink}, {@code fallback-udsink}):
 *     a container or service name is {@code <vertex>-<role>}
 * @param addressKey the vertex's key that takes its address ({@code udf.address}, ...)
 * @param image the image, or null for the Flowmesh image (a builtin)
 * @param command the entry point, or empty for the image's own
 * @param args arguments to the entry point
 * @param env its environment ({@code ${port}} and {@code ${address}} of the spec replaced)
 * @param pullPolicy the spec's {@code imagePullPolicy}, or null
 */
public record UdfContainer(String vertex, String what, String role, String addressKey, String image, List<String> command,
    List<String> args, Map<String, String> env, String pullPolicy, int port) {

  public UdfContainer {
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /** Whether it runs in the Flowmesh image (a builtin UDF, which has bash for a TCP health check). */
  public boolean flowmeshImage() {
    return image == null;
  }

  /** {@code <vertex>-<role>}: the name of its container or service. */
  public String name() {
    return vertex + "-" + role;
  }
}
