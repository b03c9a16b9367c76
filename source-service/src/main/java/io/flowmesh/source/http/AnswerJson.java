package io.flowmesh.source.http;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.runtime.edge.ReplyFailures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;

/**
 * A serving answer as JSON: {@code {"id": ..., "status": "answered", "outputs": [{"id", "value",
 * "keys", "tags", "vertex", "served"}]}}, each value in standard base64 (RFC 4648, padded): values
 * are bytes, and JSON has no bytes. A timed-out request: {@code {"id", "status": "timeout",
 * "error": "timeout", "timeout_ms", "reason"}}. An async answer too large to keep: {@code {"id", "status":
 * "too_large", "error": "too_large", "bytes", "max_result_bytes", "reason"}}. A request that failed on its way (an output with an
 * {@code error}): {@code {"id", "status": "failed", "error": "failed", "reason", "outputs"}}.
 *
 * <p>Concurrency: stateless.
 */
final class AnswerJson {

  private AnswerJson() {
  }

  static JsonObject of(Answer a) {
    return switch (a.outcome()) {
      case ANSWERED -> {
        ReplyOutput failure = ReplyFailures.firstFailure(a.outputs());
        JsonObject j = new JsonObject().put("id", a.id());
        if (failure != null) {
          j.put("status", "failed").put("error", "failed").put("reason", failureReason(a, failure));
        } else {
          j.put("status", "answered");
        }
        yield j.put("outputs", outputs(a.outputs()));
      }
      case SUBMITTED -> new JsonObject().put("id", a.id()).put("status", "pending");
      case TIMEOUT -> new JsonObject().put("id", a.id()).put("status", "timeout").put("error", "timeout")
          .put("timeout_ms", a.timeoutMillis()).put("reason", timeoutReason(a));
      case TOO_LARGE -> new JsonObject().put("id", a.id()).put("status", "too_large").put("error", "too_large")
          .put("bytes", a.oversize().bytes()).put("max_result_bytes", a.oversize().max()).put("reason", tooLargeReason(a));
      default -> new JsonObject().put("status", a.outcome().name().toLowerCase(java.util.Locale.ROOT));
    };
  }

  static String timeoutReason(Answer a) {
    return "no answer for request " + a.id() + " within " + a.timeoutMillis() + " ms (source.serving.timeout, or the"
        + " request's timeout); it may still be processed";
  }

  static String tooLargeReason(Answer a) {
    return "the answer of request " + a.id() + " was " + a.oversize().bytes() + " bytes, over source.serving.max-result-bytes="
        + a.oversize().max() + ", so it was not kept; the pipeline did process it (a /v1/process/sync answer is"
        + " not kept, it goes straight to its caller)";
  }

  /** Why request {@code a} failed on its way: the first failure among its outputs. */
  static String failureReason(Answer a, ReplyOutput failure) {
    return "request " + a.id() + " failed on its way" + (failure.getVertex().isEmpty() ? "" : " at vertex " + failure.getVertex())
        + " (output " + failure.getId() + "): " + failure.getError();
  }

  static JsonArray outputs(List<ReplyOutput> outputs) {
    JsonArray list = new JsonArray();
    Base64.Encoder base64 = Base64.getEncoder();
    for (ReplyOutput o : outputs) {
      list.add(new JsonObject().put("id", o.getId()).put("value", base64.encodeToString(o.getValue().toByteArray()))
          .put("keys", new JsonArray(List.copyOf(o.getKeysList()))).put("tags", new JsonArray(List.copyOf(o.getTagsList())))
          .put("vertex", o.getVertex()).put("served", o.getServed()));
      if (!o.getError().isEmpty()) {
        list.getJsonObject(list.size() - 1).put("error", o.getError());
      }
    }
    return list;
  }
}
