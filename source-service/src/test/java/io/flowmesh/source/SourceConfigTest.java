package io.flowmesh.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigException;
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

class SourceConfigTest {

  private static Settings load(String[] args, Map<String, String> env) {
    List<io.flowmesh.runtime.config.ConfigKey<?>> keys = new ArrayList<>(SourceKeys.keys());
    keys.addAll(CommonKeys.keys());
    Set<String> ns = new HashSet<>(CommonKeys.NAMESPACES);
    ns.add("source");
    Settings s = Settings.load(keys, ns, KnownKeys.program("source"), KnownKeys.readersOtherThan("source"), args, env);
    SourceConfig.from(s);
    return s;
  }

  private static List<String> problems(String... args) {
    return load(args, Map.of()).problems();
  }

  @Test
  void theDefaultsMakeAValidUnboundedGenerator() {
    Settings s = load(new String[0], Map.of());
    assertEquals(List.of(), s.problems());
    SourceConfig c = SourceConfig.from(s);
    assertEquals("generator", c.type());
    assertEquals(8081, c.httpPort());
    assertEquals(7001, c.edgePort());
    assertEquals(false, c.generator().bounded());
    assertEquals(500, c.generator().msgSize());
  }

  @Test
  void theKafkaSourceNamesEachMissingSettingWithoutPrintingNull() {
    List<String> p = problems("--source.type=kafka");
    assertEquals(List.of("source.kafka.bootstrap-servers (unset): is required with source.type=kafka (e.g. 127.0.0.1:9092)",
        "source.kafka.topics (unset): is required with source.type=kafka: one or more topic names, comma-separated"), p);
  }

  @Test
  void kafkaClientPropertiesPassThroughButThoseTheSourceSetsAreRefusedNamingTheKeyToUse() {
    Settings s = load(new String[] {"--source.kafka.client.security.protocol=SASL_SSL", "--source.kafka.client.group.id=g",
        "--source.kafka.client.enable.auto.commit=true"}, Map.of("FLOWMESH_SOURCE_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN",
        "FLOWMESH_SOURCE_KAFKA_CLIENT_BOOTSTRAP_SERVERS", "b:9092"));
    assertEquals(List.of(
        "source.kafka.client.bootstrap.servers='b:9092' (from FLOWMESH_SOURCE_KAFKA_CLIENT_BOOTSTRAP_SERVERS): Flowmesh sets"
            + " bootstrap.servers itself; use source.kafka.bootstrap-servers",
        "source.kafka.client.enable.auto.commit='true' (from --source.kafka.client.enable.auto.commit): Flowmesh sets"
            + " enable.auto.commit itself; the source commits only what is safe, every source.kafka.commit-interval",
        "source.kafka.client.group.id='g' (from --source.kafka.client.group.id): Flowmesh sets group.id itself; use"
            + " source.kafka.group-id"), s.problems());
    // with the session settings source.kafka.session-timeout gives (default 45 s, heartbeat a third, at most 3 s)
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "session.timeout.ms", "45000",
        "heartbeat.interval.ms", "3000"), SourceConfig.from(s).kafka().client());
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndWhatIsAllowed() {
    List<String> p = problems("--source.rate=fast", "--source.type=pulsar", "--source.edge.port=70000");
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.contains("source.rate='fast' (from --source.rate): allowed is a number from 0.0 to 1.0E9"), p.toString());
    assertTrue(p.contains("source.type='pulsar' (from --source.type): allowed is one of generator, http, kafka, udsource"), p.toString());
    assertTrue(p.contains("source.edge.port='70000' (from --source.edge.port): allowed is an integer from 0 to 65535"), p.toString());
  }

  @Test
  void aBadServingResultByteBoundIsRefusedNamingTheKey() {
    List<String> p = problems("--source.type=http", "--source.serving.max-result-bytes=lots");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("source.serving.max-result-bytes='lots' (from --source.serving.max-result-bytes)"), p.toString());
    p = problems("--source.type=http", "--source.serving.max-result-bytes=0");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("source.serving.max-result-bytes") && p.get(0).contains("must be at least 1 byte"), p.toString());
  }

  @Test
  void keysThatContradictEachOtherAreReportedOneLineEach() {
    List<String> p = problems("--source.value=abc", "--source.msg-size=10", "--source.msg-size=10",
        "--edge.max-message-bytes=100", "--source.duration=0s");
    assertTrue(p.stream().anyMatch(l -> l.startsWith("source.msg-size='10'") && l.contains("together with source.value")), p.toString());
    assertTrue(p.stream().anyMatch(l -> l.startsWith("source.duration='0s'")), p.toString());
    p = problems("--source.msg-size=1000", "--edge.max-message-bytes=100");
    assertEquals(List.of("source.msg-size='1000' (from --source.msg-size): a value of 1000 bytes is over edge.max-message-bytes=100"), p);
  }

  @Test
  void anUnknownSourceKeyIsRefusedButAnotherServicesKeyIsIgnored(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("FLOWMESH_SOURCE_RATTE", "5", "FLOWMESH_SINK_TYPE", "file", "FLOWMESH_SINK_WHATEVER", "1");
    Settings s = load(new String[0], env);
    assertEquals(List.of("unknown environment variable FLOWMESH_SOURCE_RATTE: no source.* key has that name"
        + " (did you mean FLOWMESH_SOURCE_RATE?)"), s.problems());
    assertEquals(List.of("FLOWMESH_SINK_TYPE"), s.ignored());
    assertEquals(List.of("FLOWMESH_SINK_WHATEVER"), s.unread(), "sink refuses it; source warns");
    List<String> p;
    Path yaml = dir.resolve("pipeline.yaml");
    Files.writeString(yaml, "source:\n  rate: 10\n  colour: blue\nsink:\n  type: file\n  anything: 1\n");
    p = load(new String[] {"--config", yaml.toString()}, Map.of()).problems();
    assertEquals(List.of("unknown key 'source.colour' in " + yaml), p);
  }

  @Test
  void otherServicesFlagsAreRefusedNamingTheServiceThatReadsThem() {
    Settings s = load(new String[] {"--map.http.port=9", "--udf.timeout=5s", "--sink.path=/tmp/x"}, Map.of());
    assertEquals(List.of("--map.http.port is a map-service key; this is source-service",
        "--udf.timeout is a map-service key; this is source-service",
        "--sink.path is a sink-service key; this is source-service"), s.problems());
    assertEquals(List.of(), s.ignored());
  }

  @Test
  void theKnownKeysListHasExactlyTheSourceKeys() {
    assertEquals(List.of(), new SourceMain().knownKeysDifferences());
  }

  @Test
  void launchingWithABadConfigStartsNothingAndListsEveryProblem() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new SourceMain().launch(new String[] {"--source.key-count=-1", "--source.http.token="}, Map.of()));
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("source.key-count='-1'"), e.problems().toString());
    assertTrue(e.problems().get(1).startsWith("source.http.token=***"), e.problems().toString());
  }

  @Test
  void aServingTimeoutNotBelowTheHttpIdleTimeoutIsRefusedNamingBothKeys() {
    assertEquals(List.of(), problems("--source.type=http"));
    List<String> p = problems("--source.type=http", "--http.idle-timeout=20s", "--source.serving.timeout=20s",
        "--source.serving.max-timeout=25s");
    assertEquals(List.of("source.serving.max-timeout='25s' (from --source.serving.max-timeout): must be below http.idle-timeout=20000ms:"
        + " a request waiting that long would have its connection closed as idle instead of getting its 504",
        "source.serving.timeout='20s' (from --source.serving.timeout): must be below http.idle-timeout=20000ms: a request waiting"
        + " that long would have its connection closed as idle instead of getting its 504"), p);
    assertEquals(List.of("source.serving.timeout='10s' (from --source.serving.timeout): must be at most source.serving.max-timeout=5000ms"),
        problems("--source.type=http", "--source.serving.timeout=10s", "--source.serving.max-timeout=5s"));
  }

  @Test
  void servingTimeoutsLeftAtTheirDefaultsFollowALoweredHttpIdleTimeout() {
    Settings s = load(new String[] {"--source.type=http", "--http.idle-timeout=10s"}, Map.of());
    assertEquals(List.of(), s.problems());
    var serving = SourceConfig.from(s).ingest().serving();
    assertEquals(java.time.Duration.ofSeconds(8), serving.maxTimeout());
    assertEquals(java.time.Duration.ofSeconds(8), serving.timeout());
    var untouched = SourceConfig.from(load(new String[] {"--source.type=http"}, Map.of())).ingest().serving();
    assertEquals(java.time.Duration.ofSeconds(25), untouched.maxTimeout());
    assertEquals(java.time.Duration.ofSeconds(20), untouched.timeout());
  }

  @Test
  void aServingTimeoutCappedAtItsMaximumIsShownAsTheCappedValueWithWhy() {
    Settings s = load(new String[] {"--source.type=http", "--source.serving.max-timeout=5s"}, Map.of());
    assertEquals(List.of(), s.problems());
    assertEquals(java.time.Duration.ofSeconds(5), SourceConfig.from(s).ingest().serving().timeout(), "what the source uses");
    assertEquals("5s", s.effective().get("source.serving.timeout"), "what /status shows");
    assertEquals("5s", s.effective().get("source.serving.max-timeout"));
    assertEquals(Map.of("source.serving.timeout", "capped at source.serving.max-timeout=5s: the default 20s is above it"), s.notes());
    assertEquals(Settings.Source.DEFAULT, s.source(SourceKeys.SERVING_TIMEOUT), "still the default, worked out");
  }

  @Test
  void servingTimeoutsFollowingALoweredHttpIdleTimeoutAreShownAsTheyAreUsedWithWhy() {
    Settings s = load(new String[] {"--source.type=http", "--http.idle-timeout=24s"}, Map.of());
    assertEquals(List.of(), s.problems());
    var serving = SourceConfig.from(s).ingest().serving();
    assertEquals(java.time.Duration.ofMillis(19_200), serving.maxTimeout());
    assertEquals("19200ms", s.effective().get("source.serving.max-timeout"));
    assertEquals("19200ms", s.effective().get("source.serving.timeout"));
    assertEquals(Map.of("source.serving.max-timeout", "lowered to 4/5 of http.idle-timeout=24s: the default 25s is not below it",
        "source.serving.timeout", "capped at source.serving.max-timeout=19200ms: the default 20s is above it"), s.notes());
    Settings untouched = load(new String[] {"--source.type=http", "--source.serving.timeout=3s", "--source.serving.max-timeout=5s"},
        Map.of());
    assertEquals("3s", untouched.effective().get("source.serving.timeout"), "set below its maximum: as set");
    assertEquals(Map.of(), untouched.notes());
    assertEquals(Map.of(), load(new String[] {"--source.type=http"}, Map.of()).notes(), "the defaults fit: nothing derived");
  }

  @Test
  void aMaximumNotBelowTheIdleTimeoutIsOneProblemNotAlsoOneOfTheDefaultTimeoutCappedToIt() {
    List<String> p = load(new String[] {"--source.type=http", "--http.idle-timeout=10s", "--source.serving.max-timeout=15s"},
        Map.of()).problems();
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("source.serving.max-timeout='15s' (from --source.serving.max-timeout): must be below "
        + "http.idle-timeout=10000ms"), p.toString());
  }

  @Test
  void aSourceThatDoesNotServeShowsItsServingKeysAsSetWithoutNotes() {
    Settings s = load(new String[] {"--source.type=generator", "--http.idle-timeout=10s"}, Map.of());
    assertEquals(List.of(), s.problems());
    assertEquals(Map.of(), s.notes());
    assertEquals("20s", s.effective().get("source.serving.timeout"));
  }

  @Test
  void aDurationIsWrittenAsItsKeyReadsIt() {
    assertEquals("8s", SourceConfig.text(java.time.Duration.ofSeconds(8)));
    assertEquals("19200ms", SourceConfig.text(java.time.Duration.ofMillis(19_200)));
    assertEquals("800us", SourceConfig.text(java.time.Duration.ofNanos(800_000)));
  }

}
