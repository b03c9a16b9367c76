package io.flowmesh.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UdfMainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int launch(List<String> args, UdfMain.Setup setup) {
    return UdfMain.launch("test", args, Map.of(), setup,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void badArgumentsPrintOneLineOnStderrAndGiveStatus2WithoutListening() {
    int status = launch(List.of("--mode", "nope", "--unknown", "1"), (args, server) -> server.handler(d -> null));

    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, status);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.startsWith("udf test: ") && printed.contains("nope") && printed.contains("--unknown"), printed);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBadValueFoundByTheSetupIsReportedWithTheOthers() {
    int status = launch(List.of("--n", "x"), (args, server) -> {
      args.count("n", 0);
      throw new UsageException("setup says no");
    });

    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, status);
    assertTrue(printed.contains("--n 'x'") && printed.contains("setup says no"), printed);
  }
}
