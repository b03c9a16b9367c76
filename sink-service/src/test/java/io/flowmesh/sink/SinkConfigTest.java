package io.flowmesh.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkConfigTest {

  private static Settings load(String[] args, Map<String, String> env) {
    List<ConfigKey<?>> keys = new ArrayList<>(SinkKeys.keys());
    keys.addAll(CommonKeys.keys());
    Set<String> ns = new HashSet<>(CommonKeys.NAMESPACES);
    ns.add("sink");
    Settings s = Settings.load(keys, ns, KnownKeys.otherThan("sink"), args, env);
    SinkConfig.from(s);
    return s;
  }

  private static List<String> problems(String... args) {
    return load(args, Map.of()).problems();
  }

  @Test
  void theDefaultsMakeALogSinkReadingFrom7002() {
    Settings s = load(new String[0], Map.of());
    assertEquals(List.of(), s.problems());
    SinkConfig c = SinkConfig.from(s);
    assertEquals("log", c.type());
    assertEquals("127.0.0.1:7002", c.upstream().describe());
    assertEquals(8083, c.httpPort());
    assertEquals(1, c.instances());
    assertEquals(0, c.dedupeWindow());
  }

  @Test
  void anUpstreamCopiedWithTheSchemeOfAUdfAddressIsRefusedSayingToDropIt() {
    assertEquals(List.of("sink.upstream='tcp://127.0.0.1:7002' (from --sink.upstream): drop 'tcp://': this is host:port "
        + "(127.0.0.1:7002), not a URL"), problems("--sink.upstream=tcp://127.0.0.1:7002"));
  }

  @Test
  void aRetryDelayAboveItsCapIsRefusedNamingBothKeys() {
    Settings s = load(new String[] {"--sink.retry.initial-backoff=10s"}, Map.of("FLOWMESH_SINK_RETRY_MAX_BACKOFF", "1s"));
    assertEquals(List.of("sink.retry.initial-backoff='10s' (from --sink.retry.initial-backoff) is above sink.retry.max-backoff='1s' "
        + "(from FLOWMESH_SINK_RETRY_MAX_BACKOFF): the first resend delay must be at most the cap"), s.problems());
    assertEquals(List.of(), problems("--sink.retry.initial-backoff=1s", "--sink.retry.max-backoff=1s"), "equal is fine");
  }

  @Test
  void kafkaClientPropertiesPassThroughButThoseTheSinkSetsAreRefusedNamingWhy() {
    Settings s = load(new String[] {"--sink.kafka.client.compression.type=lz4", "--sink.kafka.client.acks=1",
        "--sink.kafka.client.buffer.memory=1000"}, Map.of("FLOWMESH_SINK_KAFKA_CLIENT_SSL_KEY_PASSWORD", "hunter2"));
    assertEquals(List.of(
        "sink.kafka.client.acks='1' (from --sink.kafka.client.acks): Flowmesh sets acks itself; it is all: a message is acked"
            + " upstream only once every in-sync replica has its record",
        "sink.kafka.client.buffer.memory='1000' (from --sink.kafka.client.buffer.memory): Flowmesh sets buffer.memory itself;"
            + " use sink.kafka.max-bytes-in-flight"), s.problems());
    SinkConfig c = SinkConfig.from(s);
    assertEquals(Map.of("compression.type", "lz4", "ssl.key.password", "hunter2"), c.kafkaClient());
    assertTrue(!c.toString().contains("hunter2"), "the config record prints the password masked: " + c);
    assertEquals("***", s.effective().get("sink.kafka.client.ssl.key.password"));
  }

  @Test
  void fallbackAndOnSuccessSinksAreConfiguredLikeThePrimaryAndCheckedAlike(@TempDir Path dir) {
    assertTrue(problems("--sink.on-failure=fallback").stream().anyMatch(p -> p.contains("sink.on-failure=fallback needs a fallback sink")),
        "on-failure=fallback without a fallback sink is refused");
    assertTrue(problems("--sink.fallback.type=file").stream().anyMatch(p -> p.contains("sink.fallback.type=file needs sink.fallback.path")),
        "a file fallback needs its path");
    Settings s = load(new String[] {"--sink.type=udsink", "--sink.udsink.address=tcp://127.0.0.1:5555", "--sink.on-failure=fallback",
        "--sink.fallback.type=file", "--sink.fallback.path=" + dir.resolve("fb.ndjson"), "--sink.on-success.type=udsink"}, Map.of());
    assertEquals(List.of(), s.problems());
    SinkConfig c = SinkConfig.from(s);
    assertEquals("udsink", c.type());
    assertEquals("tcp://127.0.0.1:5555", c.primary().udsink().address());
    assertEquals(dir.resolve("fb.ndjson"), c.fallback().path());
    assertEquals("unix:///var/run/numaflow/ons-sink.sock", c.onSuccess().udsink().address(), "Numaflow's on-success socket by default");
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndWhatIsAllowed() {
    List<String> p = problems("--sink.type=s3", "--sink.upstream=nohost", "--sink.instances=0", "--sink.fsync=yes");
    assertEquals(List.of(
        "sink.type='s3' (from --sink.type): allowed is one of log, blackhole, file, kafka, udsink",
        "sink.fsync='yes' (from --sink.fsync): allowed is true or false",
        "sink.upstream='nohost' (from --sink.upstream): allowed is host:port, or several separated by commas, e.g. 127.0.0.1:7002,127.0.0.2:7002",
        "sink.instances='0' (from --sink.instances): allowed is an integer from 1 to 64"), p);
  }

  @Test
  void aFileSinkNeedsAPathInADirectoryThatExists(@TempDir Path dir) {
    assertEquals(List.of("sink.type='file' (from --sink.type): sink.type=file needs sink.path (the NDJSON file to append to)"),
        problems("--sink.type=file"));
    List<String> p = problems("--sink.type=file", "--sink.path=" + dir.resolve("missing/out.ndjson"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("sink.path=") && p.get(0).contains("does not exist"), p.toString());
    assertEquals(List.of(), problems("--sink.type=file", "--sink.path=" + dir.resolve("out.ndjson")));
  }

  @Test
  void aFileSizeBoundIsZeroOrAtLeast4KiB() {
    assertEquals(List.of("sink.max-file-bytes='100' (from --sink.max-file-bytes): allowed is 0 (no rotation) or at least 4KiB"),
        problems("--sink.max-file-bytes=100"));
    SinkConfig c = SinkConfig.from(load(new String[] {"--sink.max-file-bytes=64MiB", "--sink.keep-files=3"}, Map.of()));
    assertEquals(64L << 20, c.maxFileBytes());
    assertEquals(3, c.keepFiles());
    assertEquals(0, SinkConfig.from(load(new String[0], Map.of())).maxFileBytes(), "no rotation unless asked");
  }

  @Test
  void anUnknownSinkKeyIsRefusedButAnotherServicesKeyIsIgnored(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("FLOWMESH_SINK_TYPPE", "file", "FLOWMESH_SOURCE_RATE", "5", "FLOWMESH_SOURCE_BOGUS", "1");
    Settings s = load(new String[0], env);
    assertEquals(List.of("unknown environment variable FLOWMESH_SINK_TYPPE: no sink.* key has that name"
        + " (did you mean FLOWMESH_SINK_TYPE?)"), s.problems());
    assertEquals(List.of("FLOWMESH_SOURCE_BOGUS"), s.unread());
    Path yaml = dir.resolve("pipeline.yaml");
    Files.writeString(yaml, "source:\n  rate: 10\n  colour: blue\nsink:\n  type: blackhole\n  colour: red\n");
    assertEquals(List.of("unknown key 'sink.colour' in " + yaml), load(new String[] {"--config", yaml.toString()}, Map.of()).problems());
  }

  @Test
  void theKnownKeysListHasExactlyTheSinkKeys() {
    assertEquals(List.of(), new SinkMain().knownKeysDifferences());
  }

  @Test
  void launchingWithABadConfigStartsNothingAndListsEveryProblem() {
    ConfigException e = assertThrows(ConfigException.class, () -> new SinkMain().launch(
        new String[] {"--sink.type=file", "--sink.throttle=-5", "--sink.max-batch-bytes=10"}, Map.of()));
    assertEquals(3, e.problems().size(), e.problems().toString());
  }
}
