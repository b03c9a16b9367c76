package io.flowmesh.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium and its WebDriver for the browser tests. Where they are missing and this
 * runs as root with apt-get, {@link #ensure()} installs them ({@code chromium chromium-driver});
 * where that cannot be done it prints one line saying why and aborts the calling test (a JUnit
 * assumption), never a silent pass.
 */
final class Chromium {

  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  private static final long INSTALL_MINUTES = 15;

  private Chromium() {
  }

  static void ensure() {
    if (present()) {
      return;
    }
    String why = install();
    if (why != null || !present()) {
      String line = "skipped: no headless browser (" + (why != null ? why : "installed, yet " + DRIVER + " or " + BROWSER
          + " is still missing") + "); install Debian's chromium and chromium-driver";
      System.out.println(line);
      Assumptions.abort(line);
    }
  }

  private static boolean present() {
    return Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER);
  }

  /** Installs the packages with apt-get; null when it ran, otherwise why it could not. */
  private static String install() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not root, so apt-get cannot install it";
    }
    if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      return "no apt-get to install it";
    }
    Path log = Project.path("system-tests/target/chromium-install.log");
    System.out.println("installing chromium and chromium-driver with apt-get (log " + log + ")");
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c",
          "apt-get update -q && apt-get install -y -q chromium chromium-driver"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "apt-get install did not finish in " + INSTALL_MINUTES + " minutes";
      }
      if (p.exitValue() != 0) {
        List<String> lines = Files.readAllLines(log);
        return "apt-get install exited " + p.exitValue() + ": " + (lines.isEmpty() ? "" : lines.get(lines.size() - 1));
      }
      return null;
    } catch (IOException e) {
      return "apt-get could not be run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while installing";
    }
  }
}
