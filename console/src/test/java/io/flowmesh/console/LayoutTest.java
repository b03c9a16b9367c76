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
}
