package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * How the console draws a graph with a fan-out and a join, in a real browser (as {@link
 * ConsoleBrowserTest}): the console's jar watches stand-in vertices ({@link FakeVertex}) by address
 * only, as the console of a rendered compose file does, with the pipeline's name as its title. Two
 * sources each feed a map and a sink (a fan-out from each, a join into each, and two edges that
 * cross), the map fans out by tag to two sinks, one of which is down; the map and a sink are not
 * ready with long reasons. The page must show the title, no two edge labels may overlap, no label
 * may lie on a vertex's box, every line of a box must stay inside it, and the down vertex's box
 * must name its address once. The geometry is read from the page as the browser laid it out
 * (getBoundingClientRect), in one script, so from one drawing. Screenshot:
 * target/console-screenshots/drawing.png.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleDrawingBrowserTest {

  private static final String TITLE = "fan-out-and-join";
  private static final String TAG_NOT_READY = "edge tag -> odd-sink: no subscriber for 18s, 1037 messages wait for one "
      + "(the other edges go on until the vertex's outbound bound is full, then it takes no input)";
  private static final String SINK_NOT_READY = "writer kafka flowmesh-pipeline-output-events at broker-1.kafka.example.internal:9092,"
      + "broker-2.kafka.example.internal:9092 failing: Timeout expired while fetching topic metadata";

  /** Every label, box and line on the page that breaks a rule of the class comment, as text; [] when none does. */
  private static final String GEOMETRY = """
      const problems = [];
      const box = e => e.getBoundingClientRect();
      const show = r => `[${r.left.toFixed(1)},${r.top.toFixed(1)} ${r.right.toFixed(1)},${r.bottom.toFixed(1)}]`;
      const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
          && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
      const labels = [];
      for (const g of document.querySelectorAll('g.edge')) {
        const texts = [...g.querySelectorAll('text')].filter(t => t.textContent.trim() !== '');
        if (texts.length === 0) continue;
        const rs = texts.map(box);
        labels.push({ name: g.dataset.edge, r: { left: Math.min(...rs.map(r => r.left)), top: Math.min(...rs.map(r => r.top)),
          right: Math.max(...rs.map(r => r.right)), bottom: Math.max(...rs.map(r => r.bottom)) } });
      }
      const vertices = [...document.querySelectorAll('g.vertex')].map(g => ({ name: g.dataset.vertex, g, r: box(g.querySelector('rect')) }));
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          if (overlap(labels[i].r, labels[j].r)) {
            problems.push(`labels of ${labels[i].name} ${show(labels[i].r)} and ${labels[j].name} ${show(labels[j].r)} overlap`);
          }
        }
        for (const v of vertices) {
          if (overlap(labels[i].r, v.r)) problems.push(`label of ${labels[i].name} ${show(labels[i].r)} lies on box ${v.name} ${show(v.r)}`);
        }
      }
      for (const v of vertices) {
        for (const t of v.g.querySelectorAll('text')) {
          const r = box(t);
          if (r.left < v.r.left - 0.5 || r.right > v.r.right + 0.5 || r.top < v.r.top - 0.5 || r.bottom > v.r.bottom + 0.5) {
            problems.push(`'${t.textContent}' ${show(r)} leaves the box of ${v.name} ${show(v.r)}`);
          }
        }
      }
      return JSON.stringify({ problems, labels: labels.length, vertices: vertices.length });
      """;

  @Test
  void labelsOfAFanOutAndAJoinKeepApartTextStaysInItsBoxADownVertexIsNamedOnceAndTheTitleShows(@TempDir Path dir) throws Exception {
    Chromium.ensure();
    Path shots = Files.createDirectories(Project.path("system-tests/target/console-screenshots"));
    List<FakeVertex> fakes = new ArrayList<>();
    try {
      FakeVertex fast = add(fakes, new FakeVertex("source", List.of(new FakeVertex.Out("tag", null, true),
          new FakeVertex.Out("all-sink", null, true)), null));
      FakeVertex slow = add(fakes, new FakeVertex("source", List.of(new FakeVertex.Out("tag", null, true),
          new FakeVertex.Out("all-sink", null, true)), null));
      FakeVertex tag = add(fakes, new FakeVertex("map", List.of(new FakeVertex.Out("even-sink", "or:even", true),
          new FakeVertex.Out("odd-sink", "or:odd", false)), TAG_NOT_READY));
      FakeVertex all = add(fakes, new FakeVertex("sink", List.of(), SINK_NOT_READY));
      FakeVertex even = add(fakes, new FakeVertex("sink", List.of(), null));
      String oddAddress = "127.0.0.1:" + Ports.free(); // nothing listens: the vertex is down
      String vertices = "fast=" + fast.address() + ",slow=" + slow.address() + ",tag=" + tag.address() + ",all-sink=" + all.address()
          + ",even-sink=" + even.address() + ",odd-sink=" + oddAddress;
      int consolePort = Ports.free();
      try (JavaProcess console = ConsoleBrowserTest.startConsole(dir, consolePort, "--console.vertices=" + vertices,
          "--console.title=" + TITLE, "--console.poll-interval=300ms")) {
        String url = "http://127.0.0.1:" + consolePort + "/";
        ChromeDriver browser = ConsoleBrowserTest.browser("--window-size=1600,900");
        try {
          browser.get(url);
          ConsoleBrowserTest.Page page = new ConsoleBrowserTest.Page(browser, console);
          page.await("the odd sink shown down", "g.vertex[data-vertex='odd-sink']", t -> t.getText().contains("DOWN"));
          page.await("latencies in the map's box", "g.vertex[data-vertex='tag']", t -> t.getText().contains("UDF p50"));
          page.await("latencies in the even sink's box", "g.vertex[data-vertex='even-sink']",
              t -> t.getText().contains("e2e p50"));
          page.await("the edges found in the sources' /status", "g.edge[data-edge='slow->all-sink'] text.rate",
              t -> t.getText().endsWith("/s"));
          page.await("the title", "#pipeline", t -> t.getText().equals(TITLE));
          Files.write(shots.resolve("drawing.png"), browser.getScreenshotAs(OutputType.BYTES));

          String geometry = (String) browser.executeScript(GEOMETRY);
          assertEquals("{\"problems\":[],\"labels\":6,\"vertices\":6}", geometry);
          // the lines as drawn: a line's tooltip (its <title>, the whole text of a cut line) is no part of it
          String down = (String) browser.executeScript("return [...document.querySelectorAll(\"g.vertex[data-vertex='odd-sink'] text\")]"
              + ".map(t => [...t.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.data).join('')).join('\\n')");
          assertEquals(1, down.split(java.util.regex.Pattern.quote(oddAddress), -1).length - 1,
              "the down vertex's box names its address once: " + down);
        } finally {
          browser.quit();
        }
      }
    } finally {
      fakes.forEach(FakeVertex::close);
    }
  }

  private static FakeVertex add(List<FakeVertex> all, FakeVertex v) {
    all.add(v);
    return v;
  }
}
