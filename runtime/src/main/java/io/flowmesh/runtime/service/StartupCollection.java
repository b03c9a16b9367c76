package io.flowmesh.runtime.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full collection when a service has started and before its HTTP endpoints listen (so before
 * {@code /readyz} can answer 200): what start-up left live (Vert.x, Netty, the meter registry,
 * protobuf descriptors, the config; ~6 MB in map-service) moves to the old generation at once.
 *
 * <p>Without it, every young collection of the first minutes copies that data again from one
 * survivor space to the other until it is old enough to be promoted (up to 15 times). Measured in
 * scenario 11 (1,000 requests/s), map-service's young pauses in the first half minute were 25–74 ms
 * each for ~6 MB of survivors, and 5–16 ms with this collection (BENCHMARKS.md, "A fast, idle
 * morning"); the end-to-end p99 of those runs was set by something else and did not move. The
 * collection costs one pause of a few tens of ms at start. {@code -XX:+DisableExplicitGC} skips it.
 */
final class StartupCollection {

  private static final Logger LOG = LoggerFactory.getLogger(StartupCollection.class);

  private StartupCollection() {
  }

  /** Runs the collection on the calling thread and logs, at DEBUG, how long it took. */
  static void run() {
    long start = System.nanoTime();
    System.gc();
    LOG.debug("start-up full collection took {} ms", (System.nanoTime() - start) / 1_000_000);
  }
}
