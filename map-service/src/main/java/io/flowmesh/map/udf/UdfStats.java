package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.StallWatch;

/**
 * Counters of one {@link UdfClient}, for the metrics layer to read.
 *
 * <h2>Concurrency</h2>
 * Plain fields written on the client's event loop; read them there too (for example from
 * a gauge evaluated through {@code runOnContext}) to see exact values. A read from another
 * thread may see stale values, which a metrics scrape tolerates.
 */
public final class UdfStats {

  long requestsSent;
  long responsesReceived;
  long udfErrors;
  long retries;
  long timeouts;
  long reconnects;
  long protocolViolations;
  long lateResponses;
  long failures;
  long detached;
  /** The client's stall watch, whose count and state these stats report; set by the client. */
  StallWatch stallWatch;

  UdfStats() {
  }

  /** Requests written to the UDF, first attempts and retries alike. */
  public long requestsSent() {
    return requestsSent;
  }

  /** Responses delivered to the listener: elements answered by the UDF. */
  public long responsesReceived() {
    return responsesReceived;
  }

  /** Streams the UDF ended with an error status. */
  public long udfErrors() {
    return udfErrors;
  }

  /** Elements scheduled for another attempt after a failed one. */
  public long retries() {
    return retries;
  }

  /** Attempts that got no response within {@code udf.timeout}. */
  public long timeouts() {
    return timeouts;
  }

  /** Streams opened to replace one that broke, ended, failed or was restarted (successful or not). */
  public long reconnects() {
    return reconnects;
  }

  /** Breaches of the map.v1 protocol by the UDF (each logged once at WARN). */
  public long protocolViolations() {
    return protocolViolations;
  }

  /** Responses to ids that had already timed out; ignored. */
  public long lateResponses() {
    return lateResponses;
  }

  /** Times the UDF was found stalled (in-flight work, no response for {@code udf.stall-timeout}). */
  public long stalls() {
    return stallWatch == null ? 0 : stallWatch.stalls();
  }

  /** True while the UDF is stalled: {@link UdfClient#stalled()}, readable off the client's event loop. */
  public boolean stalled() {
    return stallWatch != null && stallWatch.stalled();
  }

  /**
   * Inputs given a copy of their own bytes (no longer slices of the frame their batch arrived in)
   * because the UDF kept them, or they waited, past {@link UnaryDispatcher#DETACH_AFTER_NANOS}.
   */
  public long detached() {
    return detached;
  }

  /** Elements reported through {@link UdfListener#onFailure}. */
  public long failures() {
    return failures;
  }

  @Override
  public String toString() {
    return "UdfStats{sent=" + requestsSent + ", received=" + responsesReceived
        + ", udfErrors=" + udfErrors + ", retries=" + retries + ", timeouts=" + timeouts
        + ", reconnects=" + reconnects + ", violations=" + protocolViolations
        + ", late=" + lateResponses + ", stalls=" + stalls() + ", failures=" + failures + ", detached=" + detached + "}";
  }
}
