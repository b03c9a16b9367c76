/**
 * The Kafka limit of {@code scripts/bench.sh} (scenario 8): a preloader for the input topic, and a plain
 * consume-then-produce loop — with {@code kafka-clients} directly or through {@code vertx-kafka-client} —
 * that Flowmesh's Kafka → map → Kafka pipeline is compared with on the same broker and topics.
 *
 * <p>Threading: the {@code kafka-clients} loop runs on one thread that owns its consumer; the Vert.x loop
 * on one event loop. {@link io.flowmesh.bench.kafka.LoopStats} is written by that one thread and read by
 * the HTTP thread that serves {@code /metrics}.
 */
package io.flowmesh.bench.kafka;
