package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console as a user sees it, in a real browser (the system's Chromium, headless, through
 * Selenium and /usr/bin/chromedriver): a pipeline source → map → sink runs as processes, the
 * console (its jar, as a process) watches it with the spec's graph, and the page must show every
 * vertex and edge of the spec, rates above zero, the map → sink edge in the back-pressure colour
 * once the sink is restarted throttled, and the map down once killed, then up after its restart.
 * Screenshots of each step go to target/console-screenshots/.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest {

  /** The colours console.css gives a flowing edge, one the downstream holds back, and one nobody is subscribed to. */
  private static final String FLOWING = "rgb(91, 141, 239)";
  private static final String HELD = "rgb(232, 89, 12)";
  private static final String UNSUBSCRIBED = "rgb(201, 42, 42)";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static final String SPEC = """
      apiVersion: flowmesh.io/v1alpha1
      kind: Pipeline
      metadata:
        name: console-test
      spec:
        vertices:
          - name: source
            source:
              generator: {rpu: 300, duration: 1s}
          - name: map
            udf:
              builtin: {name: uppercase}
          - name: sink
            sink:
              file: {path: "${run}/out.ndjson"}
        edges:
          - {from: source, to: map}
          - {from: map, to: sink}
      """;

  @Test
  void thePageDrawsTheSpecShowsRatesColoursAThrottledEdgeAndAKilledVertexDownThenUp(@TempDir Path dir) throws Exception {
    Chromium.ensure();
    Path shots = Files.createDirectories(Project.path("system-tests/target/console-screenshots"));
    Path spec = dir.resolve("console-test.yaml");
    Files.writeString(spec, SPEC);
    try (Pipeline p = Pipeline.start(dir, "uppercase", Map.of("FLOWMESH_SOURCE_RATE", "300", "FLOWMESH_SOURCE_MSG_SIZE", "50"))) {
      int consolePort = Ports.free();
      String vertices = "source=127.0.0.1:" + p.env().get("FLOWMESH_SOURCE_HTTP_PORT") + ",map=127.0.0.1:"
          + p.env().get("FLOWMESH_MAP_HTTP_PORT") + ",sink=127.0.0.1:" + p.env().get("FLOWMESH_SINK_HTTP_PORT");
      try (JavaProcess console = startConsole(dir, consolePort, "--console.spec=" + spec, "--console.vertices=" + vertices,
          "--console.poll-interval=500ms")) {
        String url = "http://127.0.0.1:" + consolePort + "/";
        ChromeDriver browser = browser();
        try {
          browser.get(url);
          Page page = new Page(browser, console);

          for (String v : List.of("source", "map", "sink")) {
            page.await("vertex " + v + " drawn", "g.vertex[data-vertex='" + v + "'] rect", WebElement::isDisplayed);
          }
          for (String e : List.of("source->map", "map->sink")) {
            page.await("edge " + e + " drawn", "g.edge[data-edge='" + e + "'] path", WebElement::isDisplayed);
          }
          assertEquals(3, browser.findElements(By.cssSelector("g.vertex")).size(), "vertices drawn");
          assertEquals(2, browser.findElements(By.cssSelector("g.edge")).size(), "edges drawn");

          for (String e : List.of("source->map", "map->sink")) {
            page.await("a rate above zero on edge " + e, "g.edge[data-edge='" + e + "'] text.rate", t -> rate(t.getText()) > 0);
          }
          page.await("a rate above zero into the sink", "g.vertex[data-vertex='sink'] text.rates", t -> rate(t.getText()) > 0);
          page.await("edge map->sink flowing", "g.edge[data-edge='map->sink'] path", t -> FLOWING.equals(t.getCssValue("stroke")));
          page.shot(shots.resolve("1-flowing.png"));

          // The sink again, taking 30 messages a second into a 20-message input buffer: what the map has for it waits there.
          p.service(Vertex.SINK).close();
          page.await("edge map->sink shown without a subscriber while the sink is gone", "g.edge[data-edge='map->sink'] path",
              t -> UNSUBSCRIBED.equals(t.getCssValue("stroke")));
          p.restart(Vertex.SINK, Map.of("FLOWMESH_SINK_THROTTLE", "30", "FLOWMESH_EDGE_INPUT_CAPACITY", "20"));
          page.await("edge map->sink in the back-pressure colour", "g.edge[data-edge='map->sink'] path",
              t -> HELD.equals(t.getCssValue("stroke")));
          page.await("edge map->sink labelled with what is queued", "g.edge[data-edge='map->sink'] text.credit",
              t -> t.getText().matches("credit \\d+ · queued [1-9][0-9.k]*"));
          page.shot(shots.resolve("2-held-back.png"));

          p.service(Vertex.MAP).process().process().destroyForcibly(); // SIGKILL
          assertTrue(p.service(Vertex.MAP).process().process().waitFor(10, TimeUnit.SECONDS), "the map exited after SIGKILL");
          page.await("the map shown down", "g.vertex[data-vertex='map']", t -> t.getAttribute("class").contains("down")
              && t.getText().contains("DOWN"));
          page.await("the sink still shown up beside the down map", "g.vertex[data-vertex='sink']",
              t -> !t.getAttribute("class").contains("down"));
          page.shot(shots.resolve("3-map-down.png"));

          p.restart(Vertex.MAP, Map.of());
          page.await("the map shown up and ready again", "g.vertex[data-vertex='map']", t -> t.getAttribute("class").contains(" up")
              && !t.getText().contains("DOWN"));
          page.await("a rate above zero out of the restarted map", "g.vertex[data-vertex='map'] text.rates",
              t -> t.getText().matches("in .* · out [0-9.]*[1-9][0-9.]*/s"));
          page.shot(shots.resolve("4-map-back.png"));

          browser.get(url + "#vertex/map");
          page.await("the vertex page's config and subscribers", "#vertex-body", t -> t.getText().contains("effective config (secrets masked)")
              && t.getText().contains("edge.token") && t.getText().contains("***")
              && t.getText().contains("subscribers of edge to (single edge)"));
          page.shot(shots.resolve("5-vertex-page.png"));
        } finally {
          browser.quit();
        }
      }
    }
  }

  /** The console on 127.0.0.1:{@code port} with {@code args}, once its /readyz answers 200 (its log's tail if it exits). */
  static JavaProcess startConsole(Path dir, int port, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.add("--console.host=127.0.0.1");
    all.add("--console.port=" + port);
    JavaProcess console = JavaProcess.start("console", Project.path("console/target/flowmesh-console.jar"), all, Map.of(), dir);
    try {
      Await.until("the console ready", Pipeline.START_TIMEOUT, () -> {
        if (!console.alive()) {
          throw new AssertionError("the console exited\n" + console.logTail(30));
        }
        return Http.status("http://127.0.0.1:" + port + "/readyz") == 200;
      }, () -> console.logTail(30));
    } catch (Throwable e) {
      console.close();
      throw e;
    }
    return console;
  }

  private static ChromeDriver browser() {
    return browser("--window-size=1300,800");
  }

  /** Headless Chromium through its WebDriver, with these arguments besides the ones every browser test needs. */
  static ChromeDriver browser(String... arguments) {
    ChromeOptions options = new ChromeOptions().setBinary(Chromium.BROWSER.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu").addArguments(arguments);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Chromium.DRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** The number before "/s" in a text such as {@code in 12.5/s · out 12.0/s} (the first one), or 0. */
  private static double rate(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+)(k|M)?/s").matcher(text);
    if (!m.find()) {
      return 0;
    }
    double v = Double.parseDouble(m.group(1));
    return "k".equals(m.group(2)) ? v * 1e3 : "M".equals(m.group(2)) ? v * 1e6 : v;
  }

  /** The page as the browser shows it; it is redrawn each poll, so every check finds its element afresh. */
  record Page(ChromeDriver browser, JavaProcess console) {

    void await(String what, String css, Predicate<WebElement> condition) {
      String[] last = {"not drawn"};
      Await.until(what, WAIT, () -> {
        try {
          List<WebElement> found = browser.findElements(By.cssSelector(css));
          if (found.isEmpty()) {
            last[0] = "no element " + css;
            return false;
          }
          WebElement e = found.get(0);
          last[0] = css + ": class='" + e.getAttribute("class") + "' text='" + e.getText() + "' stroke=" + e.getCssValue("stroke");
          return condition.test(e);
        } catch (WebDriverException e) {
          last[0] = e.getClass().getSimpleName(); // redrawn between finding and reading: look again
          return false;
        }
      }, () -> "last seen: " + last[0] + "\nconsole log:\n" + console.logTail(15));
    }

    void shot(Path file) throws java.io.IOException {
      Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }
  }
}
