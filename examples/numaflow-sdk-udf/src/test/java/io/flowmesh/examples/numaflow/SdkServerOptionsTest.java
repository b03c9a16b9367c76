package io.flowmesh.examples.numaflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdkServerOptionsTest {

  @Test
  void aSocketGetsItsServerInfoFileNextToItUnlessOneIsGiven() {
    SdkServerOptions defaulted = SdkServerOptions.parse(List.of("batch", "--socket", "/tmp/x/batchmap.sock"));
    SdkServerOptions given = SdkServerOptions.parse(List.of("unary", "--socket", "/tmp/x/map.sock", "--server-info-file", "/tmp/i"));

    assertEquals(new SdkServerOptions(true, null, Path.of("/tmp/x/batchmap.sock"), Path.of("/tmp/x/mapper-server-info")), defaulted);
    assertEquals(Path.of("/tmp/i"), given.serverInfoFile());
  }

  @Test
  void onTcpTheServerInfoFileGoesToATempDirectoryUnlessOneIsGivenBecauseTheBatchSdkWritesItAnyway() {
    SdkServerOptions defaulted = SdkServerOptions.parse(List.of("batch", "--port", "50051"));
    SdkServerOptions given = SdkServerOptions.parse(List.of("batch", "--port", "50051", "--server-info-file", "/tmp/i"));
    assertEquals(Path.of(System.getProperty("java.io.tmpdir")), defaulted.serverInfoFile().getParent().getParent());
    assertEquals(Path.of("/tmp/i"), given.serverInfoFile());
  }

  @Test
  void withoutPortOrSocketTheSdkDecides() {
    assertEquals(new SdkServerOptions(false, null, null, null), SdkServerOptions.parse(List.of("unary")));
  }

  @Test
  void theModeTakesNumaflowsNamesAndTheirAliasesAndLeavesStreamMapToItsSubcommand() {
    for (String unary : List.of("unary-map", "map", "unary")) {
      assertEquals(false, SdkServerOptions.parse(List.of(unary)).batch(), unary);
    }
    for (String batch : List.of("batch-map", "batch")) {
      assertEquals(true, SdkServerOptions.parse(List.of(batch)).batch(), batch);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SdkServerOptions.parse(List.of("stream-map")));
    assertTrue(e.getMessage().startsWith("first argument 'stream-map' is not a map mode"), e.getMessage());
  }

  @Test
  void badArgumentsAreRejectedWithAReason() {
    for (List<String> bad : List.of(List.<String>of(), List.of("stream"), List.of("unary", "--port"),
        List.of("unary", "--port", "0"), List.of("unary", "--port", "1", "--socket", "/s"),
        List.of("unary", "--colour", "red"))) {
      assertThrows(IllegalArgumentException.class, () -> SdkServerOptions.parse(bad), bad.toString());
    }
  }
}
