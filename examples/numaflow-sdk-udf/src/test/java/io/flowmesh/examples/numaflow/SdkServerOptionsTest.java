package io.flowmesh.examples.numaflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one parser of where every subcommand's SDK server listens. */
class SdkServerOptionsTest {

  private static SdkServerOptions parse(String... args) {
    return SdkServerOptions.parse(List.of(args), "map", "mapper-server-info", Set.of("records", "drop"));
  }

  @Test
  void aSocketGetsItsServerInfoFileNextToItUnlessOneIsGiven() {
    SdkServerOptions defaulted = parse("--socket", "/tmp/x/batchmap.sock");
    SdkServerOptions given = parse("--socket", "/tmp/x/map.sock", "--server-info-file", "/tmp/i");

    assertEquals(new SdkServerOptions("map", null, Path.of("/tmp/x/batchmap.sock"), Path.of("/tmp/x/mapper-server-info"), Map.of()),
        defaulted);
    assertEquals(Path.of("/tmp/i"), given.serverInfoFile());
    assertEquals("unix:///tmp/x/map.sock", given.address(50051, "/var/run/numaflow/map.sock"));
  }

  @Test
  void eachKindNamesItsOwnServerInfoFile() {
    SdkServerOptions source = SdkServerOptions.parse(List.of("--socket", "/tmp/s/source.sock"), "source", "sourcer-server-info", Set.of());
    assertEquals(Path.of("/tmp/s/sourcer-server-info"), source.serverInfoFile());
  }

  @Test
  void onTcpTheServerInfoFileGoesToATempDirectoryUnlessOneIsGivenBecauseSomeSdkServersWriteItAnyway() {
    SdkServerOptions defaulted = parse("--port", "50052");
    SdkServerOptions given = parse("--port", "50052", "--server-info-file", "/tmp/i");
    assertEquals(Path.of(System.getProperty("java.io.tmpdir")), defaulted.serverInfoFile().getParent().getParent());
    assertEquals("mapper-server-info", defaulted.serverInfoFile().getFileName().toString());
    assertEquals(Path.of("/tmp/i"), given.serverInfoFile());
    assertEquals("tcp://0.0.0.0:50052", given.address(50051, "/unused"));
  }

  @Test
  void addressIsTheSameAsPortOrSocket() {
    assertEquals(parse("--port", "7"), parse("--address", "tcp://127.0.0.1:7"));
    assertEquals(parse("--socket", "/tmp/a.sock"), parse("--address", "unix:///tmp/a.sock"));
  }

  @Test
  void theKindsOwnOptionsAreKeptAndTheDefaultPortAppliesOnTcp() {
    SdkServerOptions o = parse("--records", "12", "--drop", "^x");
    assertEquals(12, o.number("records", -1, 0, 100));
    assertEquals("^x", o.option("drop", null));
    assertNull(o.option("state", null));
    if (System.getenv("NUMAFLOW_POD") == null) {
      List<Object> set = new ArrayList<>();
      o.configure(55001, set::add, set::add, set::add, set::add);
      assertEquals(true, set.get(0), "isLocal");
      assertEquals(55001, set.get(1), "the kind's default port");
      assertTrue(set.get(2).toString().endsWith("mapper-server-info"), set.toString());
    }
  }

  @Test
  void badArgumentsAreRejectedWithAReason() {
    Map<List<String>, String> bad = Map.of(
        List.of("--port"), "option --port needs a value",
        List.of("--port", "0"), "--port '0' is not a port number 1..65535",
        List.of("--port", "1", "--socket", "/s"), "give --port or --socket, not both",
        List.of("--port", "1", "--address", "tcp://h:2"), "option --port given twice",
        List.of("--address", "http://x"), "--address 'http://x' is neither tcp://HOST:PORT nor unix:///PATH",
        List.of("--colour", "red"), "unknown option --colour",
        List.of("--records", "1", "--records", "2"), "option --records given twice");
    bad.forEach((args, message) -> assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> SdkServerOptions.parse(args, "map", "mapper-server-info", Set.of("records"))).getMessage(), args.toString()));
    assertEquals("--records 'x' is not a whole number 0..100", assertThrows(IllegalArgumentException.class,
        () -> parse("--records", "x").number("records", 0, 0, 100)).getMessage());
  }

  @Test
  void theMapModeTakesNumaflowsNamesAndTheirAliases() {
    for (String unary : List.of("unary-map", "map", "unary")) {
      assertEquals(false, NumaflowSdkUdf.batch(unary), unary);
    }
    for (String batch : List.of("batch-map", "batch")) {
      assertEquals(true, NumaflowSdkUdf.batch(batch), batch);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumaflowSdkUdf.batch("stream"));
    assertTrue(e.getMessage().startsWith("first argument 'stream' is not a map mode or subcommand"), e.getMessage());
  }
}
