/**
 * map-service: its main, its configuration keys and record.
 *
 * <p>Threading: configuration is read once on the main thread; the vertex runs on event loops
 * (see {@link io.flowmesh.map.service}).
 */
package io.flowmesh.map;
