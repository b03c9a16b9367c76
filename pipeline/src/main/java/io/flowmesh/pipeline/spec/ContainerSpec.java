package io.flowmesh.pipeline.spec;

import java.util.List;
import java.util.Map;

/**
 * Numaflow's {@code container} of a UDF: an image and how to start it. Kept for compose and
 * Kubernetes; the local runner starts commands, not images.
 *
 * @param command the image's entry point override, or empty
 * @param pullPolicy {@code imagePullPolicy}, or null
 */
public record ContainerSpec(String image, List<String> command, List<String> args, Map<String, String> env, String pullPolicy) {

  public ContainerSpec {
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }
}
