package io.flowmesh.kafka.broker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Topic administration against a broker, for tests and {@code scripts/kafka-local.sh}; needs kafka-clients. */
public final class Topics implements AutoCloseable {

  private final Admin admin;

  public Topics(String bootstrapServers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    this.admin = Admin.create(p);
  }

  /** Creates the topic with replication factor 1; an existing topic is left as it is. */
  public void create(String topic, int partitions) throws InterruptedException, ExecutionException, TimeoutException {
    create(topic, partitions, Map.of());
  }

  /** Creates the topic with replication factor 1 and these topic configs; an existing topic is left as it is. */
  public void create(String topic, int partitions, Map<String, String> configs)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /** The end offset of every partition of {@code topic}. */
  public Map<TopicPartition, Long> endOffsets(String topic) throws InterruptedException, ExecutionException, TimeoutException {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      specs.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
        : admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).entrySet()) {
      out.put(e.getKey(), e.getValue().offset());
    }
    return out;
  }

  /** What {@code group} committed, per partition (offset and metadata). */
  public Map<TopicPartition, OffsetAndMetadata> committed(String group) throws InterruptedException, ExecutionException, TimeoutException {
    return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    admin.close();
  }
}
