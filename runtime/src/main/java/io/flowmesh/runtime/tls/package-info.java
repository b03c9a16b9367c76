/**
 * Optional TLS and mutual TLS for the edges and the UDF connection, from PEM files.
 *
 * <p>Threading: immutable values, applied once to Vert.x server and client options.
 */
package io.flowmesh.runtime.tls;
