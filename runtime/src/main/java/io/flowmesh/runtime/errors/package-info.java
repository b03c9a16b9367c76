/**
 * Error texts: what went wrong, in words an operator can act on, never the bare word {@code null}.
 *
 * <p>Threading: pure functions, safe from any thread.
 */
package io.flowmesh.runtime.errors;
