package io.flowmesh.map.udf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What stands between a {@link UdfClient} and a working UDF, said in one line for
 * {@code /readyz}: the UDF cannot be reached, it stalls or breaks the protocol, or it speaks
 * another map mode than the one configured.
 *
 * <p>An unreachable UDF is logged at WARN once, then at DEBUG while it stays unreachable;
 * once it answered a handshake, the next outage is a WARN again. A mode mismatch is logged
 * at ERROR once and stays: the client stops sending (nothing it sends could be answered
 * correctly) until the service is restarted with the right {@code map.mode}.
 *
 * <p>Each map instance has its own client; the WARN and the ERROR are written once per
 * process and address, not once per instance.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop; the process-wide "already said" sets are concurrent.
 */
final class UdfHealth {

  private static final Logger LOG = LoggerFactory.getLogger(UdfHealth.class);
  /** Addresses whose outage was logged at WARN by some instance and not yet seen reachable again. */
  private static final Set<String> WARNED_UNREACHABLE = ConcurrentHashMap.newKeySet();
  /** Mismatch lines already logged. */
  private static final Set<String> LOGGED_MISMATCHES = ConcurrentHashMap.newKeySet();

  private enum Kind { STALLED, VIOLATION }

  private final UdfAddress address;
  /** A stall or a protocol violation, whichever came last, until a valid answer (or, for a stall, idleness) cures it. */
  private Kind kind;
  private String current;
  private boolean violationSinceStallCheck;
  private String unreachable;
  private long failures;
  private String mismatch;

  UdfHealth(UdfAddress address) {
    this.address = address;
  }

  /**
   * The one-line problem, null when there is none: a mode mismatch first; then the latest of a
   * stall and a protocol violation (a UDF that keeps answering garbage is reported for the
   * garbage, not for the stall that follows from it); then an unreachable UDF.
   */
  String problem() {
    return mismatch != null ? mismatch : current != null ? current : unreachable;
  }

  /** The stall watch found no valid response for its timeout with work in flight. */
  void stalled(String reason) {
    if (violationSinceStallCheck) {
      violationSinceStallCheck = false;
      return;
    }
    kind = Kind.STALLED;
    current = "UDF stalled: " + reason + "; its stream is being restarted";
  }

  /** The stall is over because nothing is in flight any more. */
  void idle() {
    if (kind == Kind.STALLED) {
      kind = null;
      current = null;
    }
  }

  /** The UDF broke the protocol; its stream was cancelled. */
  void violation(String detail) {
    violationSinceStallCheck = true;
    kind = Kind.VIOLATION;
    current = "UDF broke the map.v1 protocol: " + detail + "; its stream is being restarted";
  }

  /** The UDF answered an element properly: no stall, no violation. */
  void answered() {
    kind = null;
    current = null;
    violationSinceStallCheck = false;
  }

  /** The mode mismatch, or null. */
  String mismatch() {
    return mismatch;
  }

  /** A stream could not be opened or got no handshake answer: {@code cause} as {@link StreamEnd#detail()}. */
  void unreachable(String cause) {
    failures++;
    unreachable = "UDF at " + address + " unreachable: " + shortCause(cause);
    if (WARNED_UNREACHABLE.add(address.toString())) {
      LOG.warn("{}; retrying with backoff (udf.address)", unreachable);
    } else {
      LOG.debug("{} (attempt {})", unreachable, failures);
    }
  }

  /** The UDF answered a handshake. */
  void reachable() {
    if (unreachable != null) {
      LOG.info("UDF at {} reachable again after {} failed attempt(s)", address, failures);
      WARNED_UNREACHABLE.remove(address.toString());
    }
    unreachable = null;
    failures = 0;
  }

  /**
   * The UDF speaks {@code udfMode} while the client was configured for {@code configured};
   * {@code evidence} says how that was seen. Logged once at ERROR.
   */
  void mismatch(UdfMode udfMode, UdfMode configured, String evidence) {
    if (mismatch != null) {
      return;
    }
    mismatch = mismatchLine(address.toString(), udfMode, configured, evidence);
    if (LOGGED_MISMATCHES.add(address + " " + udfMode + " " + configured)) {
      LOG.error("{}", mismatch);
    }
  }

  /**
   * The mode to use by the server-info file {@code info}: its {@code MAP_MODE}, unless
   * {@code map.mode} was set to another one, which is then this client's mismatch.
   *
   * @throws IllegalStateException for stream-map, which map-service does not support yet
   */
  UdfMode modeFrom(ServerInfo info, UdfConfig config) {
    UdfMode m = info.mapMode();
    if (m == UdfMode.STREAM) {
      throw new IllegalStateException("UDF server info " + config.serverInfoFile()
          + " says MAP_MODE=stream-map, which map-service does not support yet");
    }
    if (m != config.mode() && config.modeConfigured()) {
      mismatch(m, config.mode(), "its server-info file " + config.serverInfoFile() + " says MAP_MODE="
          + m.mapMode() + "; or leave map.mode unset to follow that file");
    } else if (m != config.mode()) {
      LOG.info("UDF map mode from the server-info file: {} (map.mode is not set)", m.mapMode());
    }
    return m;
  }

  /** The one line naming both modes and the key to change. */
  static String mismatchLine(String address, UdfMode udfMode, UdfMode configured, String evidence) {
    return "UDF at " + address + " speaks " + udfMode.mapMode() + " but map.mode=" + configured.mapMode()
        + "; set map.mode=" + udfMode.mapMode() + " (" + evidence + ")";
  }

  /**
   * A short, lower-case reason for a failed connection: "connection refused", "no socket file",
   * "unknown host ...", "connect timed out", else the cause as given.
   */
  static String shortCause(String cause) {
    String c = cause == null ? "" : cause;
    String lower = c.toLowerCase(Locale.ROOT);
    if (lower.contains("connection refused")) {
      return "connection refused";
    }
    if (lower.contains("no such file")) {
      return "no socket file";
    }
    if (lower.contains("unknownhost") || lower.contains("unresolved")) {
      return "unknown host";
    }
    if (lower.contains("connect timed out") || lower.contains("connecttimeout") || lower.contains("connection timed out")) {
      return "connect timed out";
    }
    if (lower.contains("no handshake response")) {
      return c.substring(lower.indexOf("no handshake response"));
    }
    return c.isEmpty() ? "unknown cause" : c;
  }

  /** {@link #shortCause} of a throwable and its causes' messages. */
  static String shortCause(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null && b.length() < 500; c = c.getCause()) {
      b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append("; ");
    }
    String s = shortCause(b.toString());
    return s.equals(b.toString()) ? String.valueOf(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName()) : s;
  }
}
