/**
 * System tests: the built jars and {@code scripts/run-local.sh} run as a user runs them — separate
 * processes on free loopback ports, in temporary directories; {@code docker-compose.yml} and the
 * Dockerfile run on a Docker engine ({@link io.flowmesh.systemtests.ComposeRunTest}, skipped where
 * none can be had); and text checks of those files and the Prometheus and Grafana configuration
 * against the jars and the services' real keys, endpoints and metrics.
 *
 * <h2>Concurrency</h2>
 * Tests run one at a time (JUnit's default). Every child process is registered with
 * {@link io.flowmesh.systemtests.ProcessReaper}, stopped by the test that started it, and killed
 * at JVM exit if a test could not stop it.
 */
package io.flowmesh.systemtests;
