package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.kafka.broker.Topics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One Kafka pipeline run of a test: the input, the output topic, the consumer group, the
 * environment that makes {@link Pipeline}'s source read the input and its sink write the output,
 * and waiting for the group to get through the input.
 */
final class KafkaRun implements AutoCloseable {

  /** The run fails when the group's committed offsets stood still this long. */
  static final Duration STALL = Duration.ofSeconds(90);
  static final int PARTITIONS = 4;
  /** source.kafka.max-unacked-per-partition in these runs. */
  static final int MAX_UNACKED = 2500;
  /** The consumer's max.poll.records (the source's default): a partition is paused after the batch that reached the cap. */
  static final int POLL_BATCH = 500;
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

  private final String bootstrap;
  private final KafkaInput input;
  private final String outputTopic;
  private final String group;
  private final Topics admin;

  private KafkaRun(String bootstrap, KafkaInput input, String outputTopic, String group) {
    this.bootstrap = bootstrap;
    this.input = input;
    this.outputTopic = outputTopic;
    this.group = group;
    this.admin = new Topics(bootstrap);
  }

  /**
   * Writes {@code count} records to topic {@code <name>-in} ({@link KafkaInput#append} writes more) and creates
   * {@code <name>-out}; the group is {@code <name>}.
   */
  static KafkaRun prepare(String bootstrap, String name, int count) throws Exception {
    KafkaInput input = KafkaInput.create(bootstrap, name + "-in", PARTITIONS).append(count);
    KafkaRun run = new KafkaRun(bootstrap, input, name + "-out", name);
    run.admin.create(run.outputTopic, PARTITIONS);
    return run;
  }

  KafkaInput input() {
    return input;
  }

  String bootstrap() {
    return bootstrap;
  }

  String group() {
    return group;
  }

  /** The environment for {@link Pipeline}: Kafka source and sink, quick failover of a killed source, plus {@code extra}. */
  Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("FLOWMESH_SOURCE_TYPE", "kafka");
    env.put("FLOWMESH_SOURCE_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("FLOWMESH_SOURCE_KAFKA_TOPICS", input.topic());
    env.put("FLOWMESH_SOURCE_KAFKA_GROUP_ID", group);
    env.put("FLOWMESH_SOURCE_KAFKA_MAX_UNACKED_PER_PARTITION", Integer.toString(MAX_UNACKED));
    env.put("FLOWMESH_SOURCE_KAFKA_COMMIT_INTERVAL", COMMIT_INTERVAL.toMillis() + "ms");
    // the broker's smallest: a killed source's partitions are free again after 6 s, not 45
    env.put("FLOWMESH_SOURCE_KAFKA_SESSION_TIMEOUT", "6s");
    env.put("FLOWMESH_SINK_TYPE", "kafka");
    env.put("FLOWMESH_SINK_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("FLOWMESH_SINK_KAFKA_TOPIC", outputTopic);
    env.putAll(extra);
    return env;
  }

  /** A reader of the output topic that expects each input value passed through {@code transform}. */
  KafkaOutput output(java.util.function.UnaryOperator<String> transform) {
    return KafkaOutput.open(bootstrap, outputTopic, input, transform);
  }

  /** What the group has committed now. */
  KafkaCommits commits() {
    return KafkaCommits.read(admin, group, input);
  }

  /** Waits until the group committed {@code records} offsets in all (summed over the partitions), while it makes progress. */
  void awaitCommitted(long records, Pipeline p) {
    Await.whileProgressing(records + " offsets committed by group " + group, STALL, () -> commits().total() >= records,
        () -> commits().total(), () -> state(p));
  }

  /**
   * The commits, each source's /status (its partitions: paused, unacked, unsent, next offset) and
   * the logs, for a failure; {@code replicas} are source processes beside the pipeline's own.
   */
  private String state(Pipeline p, ServiceProcess... replicas) {
    StringBuilder b = new StringBuilder("commits: ").append(commits());
    b.append("\nsource /status (config left out): ").append(status(p.service(Vertex.SOURCE)));
    for (ServiceProcess r : replicas) {
      b.append('\n').append(r.process().name()).append(" /status (config left out): ").append(status(r));
    }
    for (ServiceProcess r : replicas) {
      b.append('\n').append(r.process().logTail(40));
    }
    return b.append('\n').append(p.logs()).toString();
  }

  /** A source's /status without its config (the same for all, and long). */
  private static String status(ServiceProcess s) {
    try {
      if (!s.process().alive()) {
        return "(exited)";
      }
      JsonObject status = s.status();
      status.remove("config");
      return status.encode();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  /** Waits until the group committed the end of every partition, while it makes progress; a failure shows {@code replicas} too. */
  void awaitCommittedToEnd(Pipeline p, ServiceProcess... replicas) {
    Await.whileProgressing("group " + group + " committed at the end of every partition", STALL, () -> commits().atEnd(input),
        () -> commits().total(), () -> state(p, replicas));
  }

  /** kill -9 and wait for the exit. */
  static void kill(JavaProcess process) {
    process.process().destroyForcibly();
    assertTrue(process.waitFor(Duration.ofSeconds(10)), process.name() + " still running 10 s after kill -9");
  }

  @Override
  public void close() {
    admin.close();
  }
}
