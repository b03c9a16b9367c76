package io.flowmesh.pipeline.spec;

import java.util.List;
import java.util.Map;

/**
 * A user-defined function a vertex talks to (a map UDF, a user-defined source, a source transformer,
 * a user-defined sink, a fallback or on-success user-defined sink): where it is, or how to start it.
 *
 * <p>At least one of: {@code address} (already running, or where the command will listen),
 * {@code command} (started by the local runner, with {@code env}), {@code builtin} (one of the
 * example UDFs of {@code examples/udf-server}, started by the runner), {@code image} (a container
 * image, for compose and Kubernetes; the local runner cannot start it).
 *
 * @param what what it is, for messages ({@code udf}, {@code source.transformer}, ...)
 * @param addressKey the service key that takes its address ({@code udf.address}, ...)
 * @param address {@code tcp://host:port} or {@code unix:///path}, or null: the runner picks a TCP port
 * @param command argv to start it, or null; {@code ${port}} and {@code ${address}} are replaced
 * @param env variables for the command (same replacements)
 * @param builtin the name of an example UDF of {@code flowmesh-udf.jar}, or null
 * @param builtinArgs its options
 * @param container Numaflow's container (image, command, args, env), or null: what compose and
 *     Kubernetes run; the local runner cannot start an image
 */
public record UdfSpec(String what, String addressKey, String address, List<String> command, Map<String, String> env,
    String builtin, List<String> builtinArgs, ContainerSpec container) {

  public UdfSpec {
    command = command == null ? null : List.copyOf(command);
    env = Map.copyOf(env);
    builtinArgs = List.copyOf(builtinArgs);
  }

  /** Whether the local runner starts it (a command or a builtin). */
  public boolean startsHere() {
    return command != null || builtin != null;
  }
}
