package io.flowmesh.pipeline.spec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a vertex is: its {@code source}, {@code udf} or {@code sink} section, into service
 * settings and the UDFs it talks to. Numaflow's fields where Flowmesh has the same thing; a field
 * Flowmesh does not have is reported (with what to use instead where there is something).
 */
final class KindParser {

  private static final Map<String, String> SOURCE_HINTS = Map.of(
      "nats", "not a Flowmesh source type: generator, http, kafka or udsource",
      "jetstream", "not a Flowmesh source type: generator, http, kafka or udsource",
      "pulsar", "not a Flowmesh source type: generator, http, kafka or udsource",
      "sqs", "not a Flowmesh source type: generator, http, kafka or udsource",
      "serving", "not a Flowmesh source type: generator, http, kafka or udsource");
  private static final Map<String, String> GENERATOR_HINTS = Map.of(
      "value", "Numaflow's numeric payload value has no equivalent; settings source.value sets a fixed value (text)",
      "valueBlob", "settings source.value sets a fixed value (text)");
  private static final Map<String, String> HTTP_HINTS = Map.of(
      "auth", "set settings source.http.token (the bearer token POST /ingest requires)",
      "service", "Kubernetes services have no meaning here: the runner prints the ingest URL",
      "ports", "set settings source.http.port");
  private static final Map<String, String> KAFKA_HINTS = Map.of(
      "tls", "pass Kafka's client properties: settings source.kafka.client.security.protocol, ...ssl.*",
      "sasl", "pass Kafka's client properties: settings source.kafka.client.sasl.*",
      "config", "pass Kafka's client properties one by one: settings source.kafka.client.<property>",
      "kafkaVersion", "not needed: the client negotiates with the broker");
  private static final Map<String, String> UDF_HINTS = Map.of(
      "groupBy", "reduce is not implemented: Flowmesh runs map vertices",
      "retryStrategy", "use settings udf.retry.max-attempts, udf.retry.initial-backoff, udf.retry.max-backoff and udf.on-failure");
  private static final Map<String, String> CONTAINER_HINTS = Map.of(
      "resources", "Kubernetes resources have no meaning here",
      "volumeMounts", "Kubernetes volumes have no meaning here",
      "envFrom", "give the variables in env",
      "securityContext", "Kubernetes security settings have no meaning here",
      "readinessProbe", "readiness is the UDF protocol's IsReady",
      "livenessProbe", "readiness is the UDF protocol's IsReady",
      "ports", "the UDF's address is udf.address");
  private static final Map<String, String> SINK_HINTS = Map.of(
      "serve", "not a Flowmesh sink type: log, blackhole, file, kafka or udsink",
      "sqs", "not a Flowmesh sink type: log, blackhole, file, kafka or udsink",
      "pulsar", "not a Flowmesh sink type: log, blackhole, file, kafka or udsink",
      "retryStrategy", "use settings sink.retry.attempts, sink.retry.initial-backoff, sink.retry.max-backoff and sink.on-failure");
  private static final Map<String, String> KAFKA_SINK_HINTS = Map.of(
      "tls", "pass Kafka's client properties: settings sink.kafka.client.security.protocol, ...ssl.*",
      "sasl", "pass Kafka's client properties: settings sink.kafka.client.sasl.*",
      "config", "pass Kafka's client properties one by one: settings sink.kafka.client.<property>",
      "setKey", "the record key is always the message's first key");

  private KindParser() {
  }

  /** A source section; true when its messages can carry tags (it has a transformer). */
  static boolean source(Fields f, Derived d, List<UdfSpec> udfs) {
    List<String> types = new ArrayList<>();
    Fields generator = f.object("generator");
    Fields http = f.object("http");
    Fields kafka = f.object("kafka");
    Fields udsource = f.object("udsource");
    if (generator != null) {
      types.add("generator");
      d.put("source.type", "generator", "source.generator");
      Long rpu = generator.number("rpu", 0);
      String duration = generator.string("duration");
      if (rpu != null || duration != null) {
        long periodMs = duration == null ? 1000 : DurationText.millis(duration, generator.where("duration"), f);
        long units = rpu == null ? 5 : rpu; // Numaflow's default rpu
        if (periodMs > 0) {
          String rate = BigDecimal.valueOf(units * 1000.0 / periodMs).stripTrailingZeros().toPlainString();
          d.put("source.rate", rate, "source.generator.rpu/duration");
        }
      }
      Long size = generator.number("msgSize", 0);
      if (size != null) {
        d.put("source.msg-size", String.valueOf(size), "source.generator.msgSize");
      }
      Long keys = generator.number("keyCount", 0);
      if (keys != null) {
        d.put("source.key-count", String.valueOf(keys), "source.generator.keyCount");
      }
      String jitter = generator.string("jitter");
      if (jitter != null) {
        d.put("source.jitter", DurationText.millis(jitter, generator.where("jitter"), f) + "ms", "source.generator.jitter");
      }
      generator.rejectRest(GENERATOR_HINTS::get);
    }
    if (http != null) {
      types.add("http");
      d.put("source.type", "http", "source.http");
      http.rejectRest(HTTP_HINTS::get);
    }
    if (kafka != null) {
      types.add("kafka");
      d.put("source.type", "kafka", "source.kafka");
      List<String> brokers = kafka.strings("brokers");
      if (brokers == null || brokers.isEmpty()) {
        f.problem(kafka.here() + " needs 'brokers' (host:port, a list)");
      } else {
        d.put("source.kafka.bootstrap-servers", String.join(",", brokers), "source.kafka.brokers");
      }
      String topic = kafka.required("topic");
      if (topic != null) {
        d.put("source.kafka.topics", topic, "source.kafka.topic");
      }
      String group = kafka.string("consumerGroup");
      if (group != null) {
        d.put("source.kafka.group-id", group, "source.kafka.consumerGroup");
      }
      kafka.rejectRest(KAFKA_HINTS::get);
    }
    if (udsource != null) {
      types.add("udsource");
      d.put("source.type", "udsource", "source.udsource");
      udfs.add(udf(udsource, "source.udsource", "source.udsource.address"));
    }
    if (types.size() != 1) {
      f.problem(f.here() + (types.isEmpty() ? " needs one of generator, http, kafka or udsource"
          : " has " + String.join(" and ", types) + ": a source is exactly one of them"));
    }
    Fields transformer = f.object("transformer");
    if (transformer != null) {
      d.put("source.transformer.enabled", "true", "source.transformer");
      udfs.add(udf(transformer, "source.transformer", "source.transformer.address"));
    }
    f.rejectRest(SOURCE_HINTS::get);
    return transformer != null;
  }

  /** A map vertex's {@code udf} section. */
  static void udf(Fields f, List<UdfSpec> udfs) {
    udfs.add(udf(f, "udf", "udf.address"));
  }

  /** A sink section, with its fallback and on-success sinks. */
  static void sink(Fields f, Derived d, List<UdfSpec> udfs) {
    sinkType(f, "sink.", d, udfs);
    Fields fallback = f.object("fallback");
    if (fallback != null) {
      sinkType(fallback, "sink.fallback.", d, udfs);
      fallback.rejectRest(SINK_HINTS::get);
    }
    Fields onSuccess = f.object("onSuccess");
    if (onSuccess != null) {
      sinkType(onSuccess, "sink.on-success.", d, udfs);
      onSuccess.rejectRest(SINK_HINTS::get);
    }
    f.rejectRest(SINK_HINTS::get);
  }

  private static void sinkType(Fields f, String prefix, Derived d, List<UdfSpec> udfs) {
    String at = prefix.substring(0, prefix.length() - 1);
    List<String> types = new ArrayList<>();
    for (String simple : List.of("log", "blackhole")) {
      Fields s = f.object(simple);
      if (s != null) {
        types.add(simple);
        d.put(prefix + "type", simple, at + "." + simple);
        s.rejectRest();
      }
    }
    Fields file = f.object("file");
    if (file != null) {
      types.add("file");
      d.put(prefix + "type", "file", at + ".file");
      String path = file.required("path");
      if (path != null) {
        d.put(prefix + "path", path, at + ".file.path");
      }
      file.rejectRest(k -> "set it in settings (" + prefix + "…)");
    }
    Fields kafka = f.object("kafka");
    if (kafka != null) {
      types.add("kafka");
      d.put(prefix + "type", "kafka", at + ".kafka");
      List<String> brokers = kafka.strings("brokers");
      if (brokers == null || brokers.isEmpty()) {
        f.problem(kafka.here() + " needs 'brokers' (host:port, a list)");
      } else {
        d.put(prefix + "kafka.bootstrap-servers", String.join(",", brokers), at + ".kafka.brokers");
      }
      String topic = kafka.required("topic");
      if (topic != null) {
        d.put(prefix + "kafka.topic", topic, at + ".kafka.topic");
      }
      Boolean setKey = kafka.bool("setKey");
      if (Boolean.TRUE.equals(setKey)) {
        f.problem(kafka.where("setKey") + " is not supported: " + KAFKA_SINK_HINTS.get("setKey"));
      }
      kafka.rejectRest(KAFKA_SINK_HINTS::get);
    }
    Fields udsink = f.object("udsink");
    if (udsink != null) {
      types.add("udsink");
      d.put(prefix + "type", "udsink", at + ".udsink");
      udfs.add(udf(udsink, at + ".udsink", prefix + "udsink.address"));
    }
    if (types.size() != 1) {
      f.problem(f.here() + (types.isEmpty() ? " needs one of log, blackhole, file, kafka or udsink"
          : " has " + String.join(" and ", types) + ": a sink is exactly one of them"));
    }
  }

  /**
   * A UDF: Numaflow's {@code container}, and Flowmesh's {@code address}, {@code command} (+
   * {@code env}) and {@code builtin} ({@code name}, {@code args}).
   */
  static UdfSpec udf(Fields f, String what, String addressKey) {
    ContainerSpec container = null;
    Fields c = f.object("container");
    if (c != null) {
      String image = c.required("image");
      List<String> command = c.strings("command");
      List<String> args = c.strings("args");
      Map<String, String> env = new LinkedHashMap<>();
      List<?> vars = c.list("env");
      for (int i = 0; i < vars.size(); i++) {
        Fields var = c.element("env", i, vars.get(i));
        String name = var.required("name");
        String value = var.string("value");
        var.rejectRest(k -> k.equals("valueFrom") ? "give the value itself" : null);
        if (name != null) {
          env.put(name, value == null ? "" : value);
        }
      }
      String pull = c.string("imagePullPolicy");
      c.rejectRest(CONTAINER_HINTS::get);
      if (image != null) {
        container = new ContainerSpec(image, command == null ? List.of() : command, args == null ? List.of() : args, env, pull);
      }
    }
    String address = f.string("address");
    if (address != null && !address.startsWith("tcp://") && !address.startsWith("unix://")) {
      f.problem(f.where("address") + " '" + address + "' must be tcp://HOST:PORT or unix:///PATH");
      address = null;
    }
    List<String> command = f.strings("command");
    if (command != null && command.isEmpty()) {
      f.problem(f.where("command") + " is empty: give the program and its arguments as a list");
      command = null;
    }
    Map<String, String> env = f.flatMap("env");
    if (!env.isEmpty() && command == null) {
      f.problem(f.where("env") + " is for udf.command (the variables of the process the runner starts): give a command too");
    }
    String builtin = null;
    List<String> builtinArgs = List.of();
    Fields b = f.object("builtin");
    if (b != null) {
      builtin = b.required("name");
      List<String> args = b.strings("args");
      builtinArgs = args == null ? List.of() : args;
      b.rejectRest(k -> k.equals("kwargs") ? "give the example's options as args (--name value)" : null);
      if (command != null) {
        f.problem(f.here() + " has both command and builtin: a builtin is the command that starts an example UDF; keep one");
      }
    }
    if (container == null && address == null && command == null && builtin == null && c == null) {
      f.problem(f.here() + " needs one of container (an image), address, command or builtin");
    }
    f.rejectRest(what.equals("udf") ? UDF_HINTS::get : k -> null);
    return new UdfSpec(what, addressKey, address, command, env, builtin, builtinArgs, container);
  }
}
