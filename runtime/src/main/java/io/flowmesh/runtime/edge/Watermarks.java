package io.flowmesh.runtime.edge;

/** Watermark conventions: epoch milliseconds, monotonic per sender, {@link #NONE} before the first. */
public final class Watermarks {

  /** No watermark yet. Any real watermark is larger. */
  public static final long NONE = -1L;

  private Watermarks() {
  }

  /** A readable form for logs and status: an ISO instant, or "none". */
  public static String format(long watermark) {
    return watermark < 0 ? "none" : java.time.Instant.ofEpochMilli(watermark).toString();
  }
}
