package io.flowmesh.runtime.udf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What stands between a UDF client and a working UDF, said in one line for {@code /readyz}
 * naming the kind of UDF: it cannot be reached, it stalls or breaks the protocol, or it is
 * misconfigured (map: it speaks another map mode than the one configured).
 *
 * <p>An unreachable UDF is logged at WARN when the outage starts, then, while it stays
 * unreachable, at WARN at most every 30 s ({@code still unreachable after N attempts over T, last:
 * cause}) and at DEBUG in between; once it answers a handshake, at INFO once ({@code reachable
 * again after N failed attempts over T}), and the next outage starts over. A misconfiguration is logged
 * at ERROR once and stays: the client is expected to stop sending (nothing it sends could be
 * answered correctly) until the service is restarted with the right settings.
 *
 * <p>Each vertex instance has its own client; the lines of an outage ({@link UdfOutage}) and the
 * ERROR are written per process, kind and address, not per instance.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop; the process-wide "already said" sets are concurrent.
 */
public final class UdfHealth {

  private static final Logger LOG = LoggerFactory.getLogger(UdfHealth.class);
  /** Outages by kind and address, from some instance's first failed attempt until one instance reaches the UDF again. */
  private static final ConcurrentHashMap<String, UdfOutage> OUTAGES = new ConcurrentHashMap<>();
  /** Misconfigurations already logged. */
  private static final Set<String> LOGGED_MISCONFIGURATIONS = ConcurrentHashMap.newKeySet();

  private enum Kind { STALLED, VIOLATION }

  private final String kind;
  private final String protocol;
  private final UdfAddress address;
  private final String addressKey;
  private final LongSupplier nanoClock;
  /** A stall or a protocol violation, whichever came last, until a valid answer (or, for a stall, idleness) cures it. */
  private Kind latest;
  private String current;
  private boolean violationSinceStallCheck;
  private String unreachable;
  private long failures;
  private String misconfiguration;

  /**
   * @param kind how the reasons name the UDF: {@code UDF} for map (its lines predate the other
   *     kinds), else e.g. {@code udsource}, {@code udsink}, {@code source transformer}
   * @param protocol the protocol a violation is of, e.g. {@code map.v1}, {@code source.v1}
   * @param address the UDF's address
   * @param addressKey the key of that address, named in the log, e.g. {@code udf.address}
   */
  public UdfHealth(String kind, String protocol, UdfAddress address, String addressKey) {
    this(kind, protocol, address, addressKey, System::nanoTime);
  }

  /** As the public constructor, with the clock that times an outage's lines (tests). */
  UdfHealth(String kind, String protocol, UdfAddress address, String addressKey, LongSupplier nanoClock) {
    this.kind = kind;
    this.protocol = protocol;
    this.address = address;
    this.addressKey = addressKey;
    this.nanoClock = nanoClock;
  }

  /** How the reasons name the UDF. */
  public String kind() {
    return kind;
  }

  public UdfAddress address() {
    return address;
  }

  /**
   * The one-line problem, null when there is none: a misconfiguration first; then the latest of a
   * stall and a protocol violation (a UDF that keeps answering garbage is reported for the
   * garbage, not for the stall that follows from it); then an unreachable UDF.
   */
  public String problem() {
    return misconfiguration != null ? misconfiguration : current != null ? current : unreachable;
  }

  /** The stall watch found no valid response for its timeout with work in flight. */
  public void stalled(String reason) {
    if (violationSinceStallCheck) {
      violationSinceStallCheck = false;
      return;
    }
    latest = Kind.STALLED;
    current = kind + " stalled: " + reason + "; its stream is being restarted";
  }

  /** The stall is over because nothing is in flight any more. */
  public void idle() {
    if (latest == Kind.STALLED) {
      latest = null;
      current = null;
    }
  }

  /** The UDF broke the protocol; its stream was cancelled. */
  public void violation(String detail) {
    violationSinceStallCheck = true;
    latest = Kind.VIOLATION;
    current = kind + " broke the " + protocol + " protocol: " + detail + "; its stream is being restarted";
  }

  /** The UDF answered properly: no stall, no violation. */
  public void answered() {
    latest = null;
    current = null;
    violationSinceStallCheck = false;
  }

  /** Whether the last attempt to reach the UDF failed (it has not answered a handshake since). */
  public boolean unreachableNow() {
    return unreachable != null;
  }

  /** The misconfiguration, or null. */
  public String misconfiguration() {
    return misconfiguration;
  }

  /** A stream could not be opened or got no handshake answer: {@code cause} as {@link StreamEnd#detail()}. */
  public void unreachable(String cause) {
    failures++;
    unreachable = unreachableLine(cause);
    long now = nanoClock.getAsLong();
    UdfOutage started = new UdfOutage(now);
    UdfOutage outage = OUTAGES.putIfAbsent(outageId(), started);
    if (outage == null) {
      LOG.warn("{}; retrying with backoff ({})", unreachable, addressKey);
    } else if (outage.failedAgain(now)) {
      LOG.warn("{} at {} still unreachable after {} attempts over {}, last: {}; retrying with backoff ({})", kind, address,
          outage.attempts(), outage.lasted(now), shortCause(cause), addressKey);
    } else {
      LOG.debug("{} (attempt {})", unreachable, failures);
    }
  }

  /** The UDF answered a handshake. */
  public void reachable() {
    if (unreachable != null) {
      UdfOutage outage = OUTAGES.remove(outageId());
      if (outage != null) { // else another instance has said it
        LOG.info("{} at {} reachable again after {} failed attempt(s) over {}", kind, address, outage.attempts(),
            outage.lasted(nanoClock.getAsLong()));
      }
    }
    unreachable = null;
    failures = 0;
  }

  private String outageId() {
    return kind + " " + address;
  }

  /**
   * A problem no retry can cure (map: the UDF speaks another mode than {@code map.mode}): it is
   * {@link #problem()} from now on; {@code line} names it and the key to change. Logged once at
   * ERROR per process and {@code logOnce}; only the first one counts.
   */
  public void misconfigured(String line, String logOnce) {
    if (misconfiguration != null) {
      return;
    }
    misconfiguration = line;
    if (LOGGED_MISCONFIGURATIONS.add(kind + " " + logOnce)) {
      LOG.error("{}", line);
    }
  }

  /** "{kind} at {address} unreachable: {short cause}" for a failed connection or call ({@link StreamEnd#detail()}). */
  public String unreachableLine(String cause) {
    return kind + " at " + address + " unreachable: " + shortCause(cause);
  }

  /** As {@link #unreachableLine(String)} for a failed call such as {@code IsReady}. */
  public String unreachableLine(Throwable cause) {
    return kind + " at " + address + " unreachable: " + shortCause(cause);
  }

  /**
   * A short, lower-case reason for a failed connection: "connection refused", "no socket file",
   * "unknown host ...", "connect timed out", else the cause as given.
   */
  public static String shortCause(String cause) {
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
  public static String shortCause(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null && b.length() < 500; c = c.getCause()) {
      b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append("; ");
    }
    String s = shortCause(b.toString());
    return s.equals(b.toString()) ? String.valueOf(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName()) : s;
  }
}
