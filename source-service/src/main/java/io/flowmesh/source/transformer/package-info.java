/**
 * The source transformer ({@code source.transformer.*}): a stage between any producer's output and
 * the source's edge that sends every message through the user's {@code sourcetransformer.v1} UDF.
 *
 * <p>Concurrency: everything here is confined to the source verticle's event loop.
 */
package io.flowmesh.source.transformer;
