/**
 * Configuration: keys with their defaults, types and documentation; loading from defaults, a YAML
 * file, the environment and command-line flags; validation that reports every bad key at once.
 *
 * <p>Threading: everything here is used once at start-up on the main thread and yields immutable
 * values.
 */
package io.flowmesh.runtime.config;
