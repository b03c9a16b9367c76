package io.flowmesh.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UdfArgsTest {

  @Test
  void withoutOptionsTheServerListensOnLoopbackPort50051InUnaryMode() {
    UdfArgs args = UdfArgs.parse(List.of(), Map.of());
    args.finish();

    assertEquals(new UdfAddress.Tcp("127.0.0.1", 50051), args.serverOptions().address());
    assertEquals(MapMode.UNARY_MAP, args.serverOptions().mode());
    assertNull(args.serverOptions().serverInfoFile());
    assertEquals(64 * 1024 * 1024, args.serverOptions().maxMessageSize());
  }

  @Test
  void environmentVariablesGiveDefaultsAndOptionsOverrideThem() {
    Map<String, String> env = Map.of(
        UdfArgs.ADDRESS_ENV, "unix:///tmp/env.sock",
        UdfArgs.MODE_ENV, "batch-map",
        UdfArgs.SERVER_INFO_FILE_ENV, "/tmp/info");

    UdfArgs fromEnv = UdfArgs.parse(List.of(), env);
    UdfArgs overridden = UdfArgs.parse(List.of("--address=tcp://[::1]:7000", "--mode", "unary-map"), env);

    assertEquals(new UdfAddress.Unix(Path.of("/tmp/env.sock")), fromEnv.serverOptions().address());
    assertEquals(MapMode.BATCH_MAP, fromEnv.serverOptions().mode());
    assertEquals(Path.of("/tmp/info"), fromEnv.serverOptions().serverInfoFile());
    assertEquals(new UdfAddress.Tcp("::1", 7000), overridden.serverOptions().address());
    assertEquals("tcp://[::1]:7000", overridden.serverOptions().address().toString());
    assertEquals(MapMode.UNARY_MAP, overridden.serverOptions().mode());
  }

  @Test
  void everyBadValueAndUnknownOptionIsReportedInOneMessage() {
    UdfArgs args = UdfArgs.parse(List.of("--mode", "stream", "--address", "http://x", "--count", "-3",
        "--share", "1.5", "--wait", "soon", "--colour", "blue"), Map.of());
    args.count("count", 1);
    args.fraction("share", 0);
    args.duration("wait", Duration.ZERO);

    UsageException e = assertThrows(UsageException.class, args::finish);

    String message = e.getMessage();
    for (String part : List.of("map mode 'stream'", "http://x", "--count '-3'", "--share '1.5'", "--wait", "unknown option --colour")) {
      assertTrue(message.contains(part), "missing '" + part + "' in: " + message);
    }
    assertTrue(!message.contains("\n"), "one line");
  }

  @Test
  void theModeTakesNumaflowsNamesWithMapAsAnAlias() {
    assertEquals(MapMode.UNARY_MAP, UdfArgs.parse(List.of("--mode", "map"), Map.of()).serverOptions().mode());
    assertEquals(MapMode.UNARY_MAP, UdfArgs.parse(List.of("--mode", "unary-map"), Map.of()).serverOptions().mode());
    assertEquals(MapMode.BATCH_MAP, UdfArgs.parse(List.of("--mode", "batch-map"), Map.of()).serverOptions().mode());
    assertEquals(MapMode.STREAM_MAP, UdfArgs.parse(List.of("--mode", "stream-map"), Map.of()).serverOptions().mode());
  }

  @Test
  void helpListsTheUdfsOwnOptionsWithTheirDefaultsAsItsSetupReadsThem() {
    String help = UdfMain.help("demo", (args, server) -> {
      args.count("max-length", 1000);
      args.duration("pause", Duration.ofMillis(250));
      server.handler(d -> null);
    });
    assertTrue(help.contains("--max-length") && help.contains("a whole number >= 0 (default 1000)"), help);
    assertTrue(help.contains("--pause") && help.contains("(default 250ms)"), help);
    assertTrue(help.contains("--mode MODE") && help.contains("Options of demo:"), help);
  }

  @Test
  void typedOptionsAreReadWhenValid() {
    UdfArgs args = UdfArgs.parse(List.of("--n", "12", "--f=0.25", "--d", "1.5ms", "--s", "x=y"), Map.of());

    assertEquals(12, args.count("n", 0));
    assertEquals(0.25, args.fraction("f", 0));
    assertEquals(Duration.ofNanos(1_500_000), args.duration("d", Duration.ZERO));
    assertEquals("x=y", args.option("s", null));
    assertEquals(7, args.count("absent", 7));
    args.finish();
  }

  @Test
  void malformedCommandLinesAreRejectedAtOnce() {
    assertThrows(UsageException.class, () -> UdfArgs.parse(List.of("cat"), Map.of()));
    assertThrows(UsageException.class, () -> UdfArgs.parse(List.of("--address"), Map.of()));
    assertThrows(UsageException.class, () -> UdfArgs.parse(List.of("--a", "1", "--a", "2"), Map.of()));
  }

  @Test
  void addressesAreTcpHostPortOrAnAbsoluteUnixPath() {
    assertEquals(new UdfAddress.Tcp("localhost", 0), UdfAddress.parse("tcp://localhost:0"));
    assertEquals(new UdfAddress.Unix(Path.of("/var/run/numaflow/map.sock")), UdfAddress.parse("unix:///var/run/numaflow/map.sock"));
    for (String bad : List.of("unix://relative.sock", "tcp://host", "tcp://host:port", "tcp://:1", "tcp://h:70000", "localhost:50051")) {
      assertThrows(UsageException.class, () -> UdfAddress.parse(bad), bad);
    }
  }

  @Test
  void durationsTakeAUnitAndMayHaveAFraction() {
    assertEquals(Duration.ofNanos(500), Durations.parse("500ns"));
    assertEquals(Duration.ofNanos(250_000), Durations.parse("250us"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    for (String bad : List.of("", "5", "ms", "-1ms", "5 parsecs", "1.2.3s")) {
      assertThrows(UsageException.class, () -> Durations.parse(bad), bad);
    }
  }
}
