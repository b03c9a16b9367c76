/**
 * The source's engine: the {@link io.flowmesh.source.engine.SourceVerticle} that serves the edge,
 * assigns message ids, feeds the watermark to the edge and counts acks, and the
 * {@link io.flowmesh.source.engine.Producer} contract the generator and the HTTP ingest fulfil.
 *
 * <p>Threading: all engine state is confined to the source verticle's event loop; other threads
 * reach it only through {@link io.flowmesh.source.engine.OnContext}. Metric mirrors are the only
 * values read by another thread.
 */
package io.flowmesh.source.engine;
