/**
 * Shared secrets: the bearer token that HTTP ingest and the edges check.
 *
 * <p>Threading: immutable values.
 */
package io.flowmesh.runtime.auth;
