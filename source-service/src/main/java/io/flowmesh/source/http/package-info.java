/**
 * The HTTP source: {@code POST /ingest} (one message, or NDJSON), parsed on the HTTP server's
 * event loop and taken into the edge's bounded queue on the source's event loop, with 429 and
 * {@code Retry-After} when it is full.
 *
 * <p>Threading: {@link io.flowmesh.source.http.IngestRoute} and the parser run on the HTTP event
 * loop; {@link io.flowmesh.source.http.HttpIngest} on the source's; they meet only through the
 * source verticle's context.
 */
package io.flowmesh.source.http;
