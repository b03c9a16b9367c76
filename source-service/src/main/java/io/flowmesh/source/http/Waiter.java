package io.flowmesh.source.http;

import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * One request waiting for the acks of its messages: the attachment its messages are offered with,
 * so the ack chain brings each message's reply back here ({@link HttpIngest#acked}).
 *
 * <h2>Concurrency</h2>
 * Owned by the source's event loop ({@link Waiters}).
 */
final class Waiter {

  /** How the request is answered. */
  enum Mode { SYNC, ASYNC, ACKED }

  final Mode mode;
  final long timeoutMillis;
  final int messages;
  /** Sync and wait=acked: completed with the answer; async: null. */
  final Promise<Answer> promise;
  /** The request's message id (the last one's for a batch), once accepted. */
  String id;
  /** Messages not yet acked. */
  int remaining;
  /** When it times out ({@link System#nanoTime}), set once accepted ({@link Deadlines}). */
  long deadlineNanos;
  boolean done;
  private List<ReplyOutput> outputs;
  private boolean owned;

  Waiter(Mode mode, int messages, long timeoutMillis, Promise<Answer> promise) {
    this.mode = mode;
    this.messages = messages;
    this.remaining = messages;
    this.timeoutMillis = timeoutMillis;
    this.promise = promise;
  }

  /** Adds one message's reply (null: acked without one). */
  void reply(List<ReplyOutput> reply) {
    if (reply == null || reply.isEmpty()) {
      return;
    }
    if (outputs == null) {
      outputs = reply;
    } else {
      if (!owned) {
        outputs = new ArrayList<>(outputs);
        owned = true;
      }
      outputs.addAll(reply);
    }
  }

  /**
   * Where the HTTP side finds its request's waiter when its client goes ({@link HttpIngest#abandon}):
   * set and read on the source's event loop only.
   */
  static final class Handle {
    Waiter waiter;
  }

  Answer answered() {
    return new Answer(Answer.Outcome.ANSWERED, id, outputs == null ? List.of() : outputs, messages, timeoutMillis);
  }

  Answer timedOut() {
    return new Answer(Answer.Outcome.TIMEOUT, id, null, messages, timeoutMillis);
  }
}
