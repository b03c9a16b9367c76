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

  @Test
  void checkReportsABadOptionOfTheSetupWithStatus2AndStartsNothing() {
    int status = launch(List.of("--check", "--address", "tcp://127.0.0.1:1", "--n", "x"), (args, server) -> {
      args.count("n", 0);
      server.handler(d -> null);
    });

    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, status);
    assertTrue(printed.startsWith("udf test: ") && printed.contains("--n 'x'"), printed);
  }

  @Test
  void checkAcceptsGoodOptionsWithOneLineAndStartsNothing() {
    int status = launch(List.of("--address", "tcp://127.0.0.1:1", "--n", "3", "--check"), (args, server) -> {
      args.count("n", 0);
      server.handler(d -> null);
    });

    assertEquals(UdfMain.PRINTED, status, err.toString(StandardCharsets.UTF_8));
    assertEquals("udf test: arguments are valid\n", out.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }
}
