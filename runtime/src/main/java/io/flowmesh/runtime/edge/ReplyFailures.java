package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import java.util.List;

/**
 * The reply of a serving message that failed on its way (edge_messages.proto {@code ReplyOutput.error}): a UDF
 * gave up on it and dropped it, a sink dropped it after a failed write, its reply grew over the cap.
 * It travels home like any reply, merged with its siblings', and the source answers 502 with it, so a
 * failure never looks like a deliberate filter's empty answer.
 *
 * <h2>Concurrency</h2>
 * Stateless.
 */
public final class ReplyFailures {

  private ReplyFailures() {
  }

  /** A one-output reply saying that message {@code id} failed at {@code vertex} (may be empty) because of {@code reason}. */
  public static List<ReplyOutput> of(String id, String vertex, String reason) {
    return List.of(ReplyOutput.newBuilder().setId(id).setVertex(vertex == null ? "" : vertex)
        .setError(reason == null || reason.isEmpty() ? "failed (no reason given)" : reason).build());
  }

  /** The first failure in {@code reply}, or null when none of its outputs is one. */
  public static ReplyOutput firstFailure(List<ReplyOutput> reply) {
    for (int i = 0, n = reply.size(); i < n; i++) {
      if (!reply.get(i).getError().isEmpty()) {
        return reply.get(i);
      }
    }
    return null;
  }
}
