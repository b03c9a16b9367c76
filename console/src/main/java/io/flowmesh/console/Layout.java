package io.flowmesh.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layered (Sugiyama-style) drawing of the pipeline, left to right: each vertex's column is the
 * longest path to it from a source, and the vertices within a column are ordered by the mean row of
 * their neighbours in the column before (then after), a few sweeps each way, which removes most
 * crossings of a small graph. Columns are centred on the tallest one. An edge that closes a cycle
 * does not count for the columns (a spec's graph has none; this only keeps a bad one drawable).
 */
public final class Layout {

  /** Where one vertex goes: its column and row, and the top-left corner of its box. */
  public record Place(String name, int layer, int row, int x, int y) {
  }

  /** The size of a vertex's box and the gaps between boxes, in pixels. */
  public static final int WIDTH = 250;
  public static final int HEIGHT = 150;
  public static final int GAP_X = 170;
  public static final int GAP_Y = 40;
  private static final int SWEEPS = 4;

  private Layout() {
  }

  /**
   * Places the vertices.
   *
   * @param vertices the names, in the spec's order (the order ties keep)
   * @param edges each edge as {from, to}; names not among {@code vertices} are ignored
   */
  public static Map<String, Place> of(List<String> vertices, List<String[]> edges) {
    Map<String, List<String>> in = new HashMap<>();
    Map<String, List<String>> out = new HashMap<>();
    vertices.forEach(v -> {
      in.put(v, new ArrayList<>());
      out.put(v, new ArrayList<>());
    });
    for (String[] e : edges) {
      if (in.containsKey(e[0]) && in.containsKey(e[1]) && !e[0].equals(e[1])) {
        out.get(e[0]).add(e[1]);
        in.get(e[1]).add(e[0]);
      }
    }
    Map<String, Integer> layer = layers(vertices, in, out);
    int depth = layer.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    List<List<String>> columns = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      columns.add(new ArrayList<>());
    }
    vertices.forEach(v -> columns.get(layer.get(v)).add(v));
    for (int s = 0; s < SWEEPS; s++) {
      for (int i = 1; i < depth; i++) {
        order(columns.get(i), columns.get(i - 1), in);
      }
      for (int i = depth - 2; i >= 0; i--) {
        order(columns.get(i), columns.get(i + 1), out);
      }
    }
    int tallest = columns.stream().mapToInt(List::size).max().orElse(0);
    Map<String, Place> places = new LinkedHashMap<>();
    for (int i = 0; i < depth; i++) {
      List<String> col = columns.get(i);
      int offset = (tallest - col.size()) * (HEIGHT + GAP_Y) / 2;
      for (int r = 0; r < col.size(); r++) {
        places.put(col.get(r), new Place(col.get(r), i, r, i * (WIDTH + GAP_X), offset + r * (HEIGHT + GAP_Y)));
      }
    }
    Map<String, Place> inOrder = new LinkedHashMap<>();
    vertices.forEach(v -> inOrder.put(v, places.get(v)));
    return inOrder;
  }

  /** Longest path from a vertex without inputs (Kahn's order); vertices left on a cycle go after the rest. */
  private static Map<String, Integer> layers(List<String> vertices, Map<String, List<String>> in, Map<String, List<String>> out) {
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, Integer> layer = new HashMap<>();
    List<String> ready = new ArrayList<>();
    for (String v : vertices) {
      waiting.put(v, in.get(v).size());
      if (in.get(v).isEmpty()) {
        ready.add(v);
        layer.put(v, 0);
      }
    }
    for (int i = 0; i < ready.size(); i++) {
      String v = ready.get(i);
      for (String w : out.get(v)) {
        layer.merge(w, layer.get(v) + 1, Math::max);
        if (waiting.merge(w, -1, Integer::sum) == 0) {
          ready.add(w);
        }
      }
    }
    int next = layer.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    for (String v : vertices) {
      if (!ready.contains(v)) {
        layer.put(v, next);
      }
    }
    return layer;
  }

  /** Sorts {@code column} by the mean row of each vertex's neighbours in {@code fixed}; one without any keeps its row. */
  private static void order(List<String> column, List<String> fixed, Map<String, List<String>> neighbours) {
    Map<String, Double> key = new HashMap<>();
    for (int r = 0; r < column.size(); r++) {
      String v = column.get(r);
      double sum = 0;
      int n = 0;
      for (String u : neighbours.get(v)) {
        int at = fixed.indexOf(u);
        if (at >= 0) {
          sum += at;
          n++;
        }
      }
      key.put(v, n == 0 ? r : sum / n);
    }
    column.sort(Comparator.comparingDouble(key::get));
  }
}
