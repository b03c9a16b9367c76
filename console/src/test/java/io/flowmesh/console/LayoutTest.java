package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutTest {

  private static String[] e(String from, String to) {
    return new String[] {from, to};
  }

  @Test
  void aFanOutPutsEachVertexInTheColumnOfItsLongestPathAndTheBranchesInRowsOfTheirOwn() {
    // in → split → {even, odd}; even → audit; odd and audit → out (a longer and a shorter path into out)
    List<String> vs = List.of("in", "split", "even", "odd", "audit", "out");
    Map<String, Layout.Place> p = Layout.of(vs, List.of(e("in", "split"), e("split", "even"), e("split", "odd"), e("even", "audit"),
        e("audit", "out"), e("odd", "out")));
    assertEquals(0, p.get("in").layer());
    assertEquals(1, p.get("split").layer());
    assertEquals(2, p.get("even").layer());
    assertEquals(2, p.get("odd").layer());
    assertEquals(3, p.get("audit").layer());
    assertEquals(4, p.get("out").layer(), "out goes after its longest path (through audit)");
    assertNotEquals(p.get("even").y(), p.get("odd").y(), "the two branches do not overlap");
    for (Layout.Place a : p.values()) {
      assertEquals(a.layer() * (Layout.WIDTH + Layout.GAP_X), a.x(), a.name() + "'s x is its column's");
      for (Layout.Place b : p.values()) {
        if (a != b && a.layer() == b.layer()) {
          assertTrue(Math.abs(a.y() - b.y()) >= Layout.HEIGHT + Layout.GAP_Y, a.name() + " and " + b.name() + " overlap");
        }
      }
    }
    assertEquals(vs, List.copyOf(p.keySet()), "the places come in the spec's order");
  }

  @Test
  void aVertexInAShortColumnIsCentredOnTheTallest() {
    Map<String, Layout.Place> p = Layout.of(List.of("in", "a", "b", "c"), List.of(e("in", "a"), e("in", "b"), e("in", "c")));
    assertEquals(p.get("b").y(), p.get("in").y(), "the source sits level with the middle of its three outputs");
  }

  @Test
  void barycentreOrderingUncrossesTwoChains() {
    // two chains a1→a2 and b1→b2, listed so that the second column starts crossed
    Map<String, Layout.Place> p = Layout.of(List.of("a1", "b1", "b2", "a2"), List.of(e("a1", "a2"), e("b1", "b2")));
    assertEquals(p.get("a1").row(), p.get("a2").row(), "a2 moved level with a1");
    assertEquals(p.get("b1").row(), p.get("b2").row(), "b2 moved level with b1");
  }

  @Test
  void aCycleStillGetsEveryVertexAPlace() {
    Map<String, Layout.Place> p = Layout.of(List.of("in", "x", "y"), List.of(e("in", "x"), e("x", "y"), e("y", "x")));
    assertEquals(3, p.size());
    assertEquals(0, p.get("in").layer());
  }

  @Test
  void aLabelSitsJustAboveTheMiddleOfItsEdgeInTheGapAfterItsUpstream() {
    Map<String, Layout.Place> p = Layout.of(List.of("in", "out"), List.<String[]>of(e("in", "out")));
    List<Layout.Label> labels = Layout.labels(p, List.<String[]>of(e("in", "out")), List.of(2));
    assertEquals(1, labels.size());
    Layout.Label l = labels.get(0);
    assertEquals(Layout.WIDTH + Layout.GAP_X / 2, l.x(), "centred in the gap");
    assertEquals(2 * Layout.LABEL_LINE, l.height());
    assertEquals(Layout.HEIGHT / 2.0 - 3, l.y() + l.height(), 0.5, "its bottom just above the level edge");
  }

  @Test
  void theLabelsOfTwoSourcesFeedingTheSameTwoVerticesDoNotOverlapWhereTheirEdgesCross() {
    // fast and slow each feed tag and all: a join into each and a fan-out from each; fast→all and slow→tag cross mid-gap
    List<String[]> edges = List.of(e("fast", "tag"), e("slow", "tag"), e("fast", "all"), e("slow", "all"));
    Map<String, Layout.Place> p = Layout.of(List.of("fast", "slow", "tag", "all"), edges);
    List<Layout.Label> labels = Layout.labels(p, edges, List.of(2, 2, 2, 2));
    assertEquals(4, labels.size());
    assertApart(p, labels);
    Layout.Label fastAll = labels.get(2);
    Layout.Label slowTag = labels.get(1);
    double crossing = Layout.curveY(p.get("fast"), p.get("all"), fastAll.x());
    assertEquals(crossing, Layout.curveY(p.get("slow"), p.get("tag"), slowTag.x()), 0.01, "the two edges cross mid-gap");
    double wished = crossing - 3 - 2 * Layout.LABEL_LINE;
    assertEquals(wished, (fastAll.y() + slowTag.y()) / 2.0, 0.5, "both moved by the same amount, one up and one down");
    assertTrue(fastAll.y() < slowTag.y(), "the label of the edge from the upper vertex goes above");
  }

  @Test
  void theLabelsOfAFanOutAndOfAnEdgeThatSkipsAColumnStayApartAndOffTheBoxes() {
    // in → split → five branches with conditions (three lines each); split → out skips the branches' column; the branches → out
    List<String> vs = List.of("in", "split", "b1", "b2", "b3", "b4", "b5", "out");
    List<String[]> edges = new java.util.ArrayList<>(List.of(e("in", "split"), e("split", "out")));
    List<Integer> lines = new java.util.ArrayList<>(List.of(2, 2));
    for (String b : List.of("b1", "b2", "b3", "b4", "b5")) {
      edges.add(e("split", b));
      edges.add(e(b, "out"));
      lines.addAll(List.of(3, 2));
    }
    Map<String, Layout.Place> p = Layout.of(vs, edges);
    List<Layout.Label> labels = Layout.labels(p, edges, lines);
    assertEquals(edges.size(), labels.size());
    assertApart(p, labels);
    Layout.Label skip = labels.get(1);
    assertEquals(p.get("split").x() + Layout.WIDTH + Layout.GAP_X / 2, skip.x(), "the skipping edge's label is in the gap after split");
  }

  @Test
  void anEdgeToAVertexWithoutAPlaceOrToItselfHasNoLabel() {
    Map<String, Layout.Place> p = Layout.of(List.of("a", "b"), List.<String[]>of(e("a", "b")));
    List<Layout.Label> labels = Layout.labels(p, List.of(e("a", "b"), e("a", "a"), e("a", "gone")), List.of(2, 2, 2));
    assertEquals(1, labels.size());
    assertEquals("b", labels.get(0).to());
  }

  /** No two labels overlap, none lies on a box, and each fits in its gap. */
  private static void assertApart(Map<String, Layout.Place> places, List<Layout.Label> labels) {
    int half = Layout.LABEL_WIDTH / 2;
    for (Layout.Label a : labels) {
      String name = a.from() + "->" + a.to();
      for (Layout.Place v : places.values()) {
        boolean overlaps = a.x() + half > v.x() && a.x() - half < v.x() + Layout.WIDTH && a.y() + a.height() > v.y()
            && a.y() < v.y() + Layout.HEIGHT;
        assertTrue(!overlaps, "label of " + name + " " + a + " lies on box " + v);
      }
      for (Layout.Label b : labels) {
        if (a != b && a.x() == b.x()) {
          assertTrue(a.y() + a.height() + Layout.LABEL_SPACING <= b.y() || b.y() + b.height() + Layout.LABEL_SPACING <= a.y(),
              "labels of " + name + " " + a + " and " + b.from() + "->" + b.to() + " " + b + " overlap");
        } else if (a != b) {
          assertTrue(Math.abs(a.x() - b.x()) >= Layout.LABEL_WIDTH, "labels in different gaps are a gap apart");
        }
      }
    }
  }
}
