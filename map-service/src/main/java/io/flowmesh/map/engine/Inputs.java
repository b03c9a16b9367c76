package io.flowmesh.map.engine;

import io.flowmesh.runtime.edge.EdgeSubscriber;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine's upstream edges, each with the demand the engine raised on it and that was not
 * delivered yet.
 *
 * <p>Concurrency: owned by its engine's event loop.
 */
final class Inputs {

  /** An upstream edge and the demand the engine raised on it and that was not yet delivered. */
  static final class Input {
    final EdgeSubscriber sub;
    long requested;

    Input(EdgeSubscriber sub) {
      this.sub = sub;
    }
  }

  private final List<Input> list = new ArrayList<>();
  /** Where the next {@link #fetchUpTo} starts, turning round so no input is always served first. */
  private int cursor;

  /** Adds {@code sub}, paused, holding credit when {@code holdCredit}. */
  Input add(EdgeSubscriber sub, boolean holdCredit) {
    Input in = new Input(sub);
    list.add(in);
    sub.pause();
    sub.holdCredit(holdCredit);
    return in;
  }

  void remove(EdgeSubscriber sub) {
    list.removeIf(in -> in.sub == sub);
    sub.pause();
  }

  /**
   * Lets each input supply up to {@code free} messages beyond what it was already asked for,
   * starting one input further each call: every input (each replica of each upstream vertex of a
   * join) gets the same demand, so a fast upstream fills at most its own share of the engine's
   * free window and a slow one is served whenever it has something.
   */
  void fetchUpTo(long free) {
    int n = list.size();
    int start = cursor < n ? cursor : 0;
    cursor = n == 0 ? 0 : (start + 1) % n;
    for (int k = 0; k < n; k++) {
      Input in = list.get((start + k) % n);
      long want = free - in.requested;
      if (want > 0) {
        in.requested += want;
        in.sub.fetch(want);
      }
    }
  }

  /**
   * Orphaned: hold credit and take everything the inputs buffer or receive (the engine nacks it).
   * Not orphaned: grant credit again and fetch only what the engine asks for.
   */
  void orphaned(boolean orphaned) {
    for (int i = 0; i < list.size(); i++) {
      Input in = list.get(i);
      in.sub.holdCredit(orphaned);
      if (orphaned) {
        in.sub.resume();
      } else {
        in.sub.pause();
        in.requested = 0;
      }
    }
  }

  /**
   * The engine is stopping: nothing more is handed to it (what an input buffers stays there and
   * goes back upstream when the edge closes) and no more credit is granted, so the upstream sends
   * the rest to other subscribers — another replica of this vertex when it is scaled down.
   */
  void stopTaking() {
    for (int i = 0; i < list.size(); i++) {
      Input in = list.get(i);
      in.sub.pause();
      in.sub.holdCredit(true);
      in.requested = 0;
    }
  }

  /**
   * The lowest of the inputs' watermarks (a gone upstream vertex's not counted, {@link
   * EdgeSubscriber#inputWatermark}) and of the arrival watermarks they buffer; {@link
   * Long#MAX_VALUE} when none.
   */
  long lowWatermark() {
    long low = Long.MAX_VALUE;
    for (int i = 0; i < list.size(); i++) {
      EdgeSubscriber s = list.get(i).sub;
      low = Math.min(low, Math.min(s.inputWatermark(), s.oldestBufferedWatermark()));
    }
    return low;
  }
}
