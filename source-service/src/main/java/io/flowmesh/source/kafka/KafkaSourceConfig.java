package io.flowmesh.source.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Kafka source's settings.
 *
 * @param bootstrapServers {@code host:port,…} of the brokers
 * @param topics the topics read
 * @param groupId the consumer group; replicas of the source share the partitions through it
 * @param startPosition {@code earliest} or {@code latest}: where a group with no commit starts
 * @param maxUnackedPerPartition records read and not yet acked beyond which a partition is paused
 * @param commitInterval how often what is safe is committed
 * @param revokeTimeout on a rebalance, how long in-flight records of revoked partitions may take to be acked
 * @param maxMetadataChars the largest commit metadata (the broker's offset.metadata.max.bytes is 4096 by default)
 * @param maxDelay a partition's watermark trails the largest record timestamp by this
 * @param client the consumer's other properties: the session timeout and heartbeat from {@code source.kafka.session-timeout},
 *     then {@code source.kafka.client.*} passed through as they are (printed with their secrets masked)
 */
public record KafkaSourceConfig(String bootstrapServers, List<String> topics, String groupId, String startPosition,
    int maxUnackedPerPartition, Duration commitInterval, Duration revokeTimeout, int maxMetadataChars, Duration maxDelay,
    Map<String, String> client) {
}
