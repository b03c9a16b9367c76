/**
 * map-service's vertex: map instances (each an engine, its upstream subscriptions and its UDF
 * client on one event loop) and the output edge they share.
 *
 * <p>Threading: a {@link io.flowmesh.map.service.MapInstance}'s state lives on its event loop;
 * the {@link io.flowmesh.map.service.OutputEdge} lives on instance 0's. Outputs and acks pass
 * between them only through {@code Context.runOnContext}, once per event-loop turn, in batches:
 * on the same thread for instance 0 (the only one by default), across threads for the others.
 */
package io.flowmesh.map.service;
