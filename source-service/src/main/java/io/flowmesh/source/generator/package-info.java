/**
 * The generator source: synthetic messages produced against the edge's demand only, optionally
 * rate-limited by a token bucket refilled on a timer, with a bounded count or duration.
 *
 * <p>Threading: everything here runs on the source verticle's event loop.
 */
package io.flowmesh.source.generator;
