package io.flowmesh.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A layered (Sugiyama-style) drawing of the pipeline, left to right: each vertex's column is the
 * longest path to it from a source, and the vertices within a column are ordered by the mean row of
 * their neighbours in the column before (then after), a few sweeps each way, which removes most
 * crossings of a small graph. Columns are centred on the tallest one. An edge that closes a cycle
 * does not count for the columns (a spec's graph has none; this only keeps a bad one drawable).
 *
 * <p>Each edge's label (its condition, rate, credit and queue) goes in the gap between columns
 * right after its upstream, where no box is, just above its curve; the labels that share a gap
 * are then moved apart vertically as little as possible (least squares), so that where several
 * edges leave one vertex (a fan-out), enter one (a join) or cross, no two overlap.
 */
public final class Layout {

  /** Where one vertex goes: its column and row, and the top-left corner of its box. */
  public record Place(String name, int layer, int row, int x, int y) {
  }

  /**
   * Where one edge's label goes: centred on {@code x}, from {@code y} down, {@code height} tall, at
   * most {@link #LABEL_WIDTH} wide (the page shortens a longer line).
   */
  public record Label(String from, String to, int x, int y, int height) {
  }

  /** The size of a vertex's box and the gaps between boxes, in pixels. */
  public static final int WIDTH = 250;
  public static final int HEIGHT = 165;
  public static final int GAP_X = 170;
  public static final int GAP_Y = 40;
  /** The height of one line of an edge's label, the space kept between two labels, and the widest a label may be. */
  public static final int LABEL_LINE = 13;
  public static final int LABEL_SPACING = 6;
  public static final int LABEL_WIDTH = GAP_X - 16;
  /** How far above its curve a label's bottom sits. */
  private static final int LABEL_LIFT = 3;
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

  /**
   * Places the edges' labels (see the class comment).
   *
   * @param places the vertices' places ({@link #of})
   * @param edges each edge as {from, to}; one between vertices without a place, or from a vertex to
   *     itself, gets no label
   * @param lines each edge's number of lines, in the order of {@code edges}
   * @return the labels, in the order of {@code edges}
   */
  public static List<Label> labels(Map<String, Place> places, List<String[]> edges, List<Integer> lines) {
    Map<Integer, List<Wanted>> byGap = new TreeMap<>();
    for (int i = 0; i < edges.size(); i++) {
      Place a = places.get(edges.get(i)[0]);
      Place b = places.get(edges.get(i)[1]);
      if (a == null || b == null || a == b) {
        continue;
      }
      int gap = a.layer() < b.layer() ? a.layer() : Math.max(0, b.layer() - 1);
      double x = gap * (WIDTH + GAP_X) + WIDTH + GAP_X / 2.0;
      int height = lines.get(i) * LABEL_LINE;
      double top = curveY(a, b, x) - height - LABEL_LIFT;
      byGap.computeIfAbsent(gap, g -> new ArrayList<>()).add(new Wanted(i, (int) x, top, height, a.y(), b.y()));
    }
    Label[] placed = new Label[edges.size()];
    for (List<Wanted> gap : byGap.values()) {
      gap.sort(Comparator.comparingDouble(Wanted::top).thenComparingInt(Wanted::fromY).thenComparingInt(Wanted::toY));
      for (Block block : apart(gap)) {
        int y = (int) Math.round(block.top);
        for (Wanted w : block.items) {
          placed[w.edge] = new Label(edges.get(w.edge)[0], edges.get(w.edge)[1], w.x, y, w.height);
          y += w.height + LABEL_SPACING;
        }
      }
    }
    List<Label> out = new ArrayList<>();
    for (Label l : placed) {
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }

  /** A label's wish: the edge's index, the centre x, the top it would have on its curve, its height, and its ends' rows (for ties). */
  private record Wanted(int edge, int x, double top, int height, int fromY, int toY) {
  }

  /** Labels stacked without gaps beyond {@link #LABEL_SPACING}, their top where they are, on average, where they want to be. */
  private static final class Block {
    final List<Wanted> items = new ArrayList<>();
    double top;
    int height;
  }

  /**
   * Moves labels sorted by their wished top apart: each joins the block above it while they would
   * overlap, and a block's top is the mean of its labels' wishes less their offsets in it, which
   * moves each as little as possible (in the sum of squares).
   */
  private static List<Block> apart(List<Wanted> sorted) {
    List<Block> blocks = new ArrayList<>();
    for (Wanted w : sorted) {
      Block b = new Block();
      b.items.add(w);
      b.top = w.top();
      b.height = w.height();
      blocks.add(b);
      while (blocks.size() > 1) {
        Block above = blocks.get(blocks.size() - 2);
        Block last = blocks.get(blocks.size() - 1);
        if (above.top + above.height + LABEL_SPACING <= last.top) {
          break;
        }
        above.items.addAll(last.items);
        above.height += LABEL_SPACING + last.height;
        blocks.remove(blocks.size() - 1);
        double sum = 0;
        int offset = 0;
        for (Wanted x : above.items) {
          sum += x.top() - offset;
          offset += x.height() + LABEL_SPACING;
        }
        above.top = sum / above.items.size();
      }
    }
    return blocks;
  }

  /**
   * The y of the page's curve from {@code a}'s right side to {@code b}'s left side (a cubic Bézier
   * with both control points at the middle x, level with its ends) where it crosses {@code x}; the
   * middle of the ends for an edge drawn backwards.
   */
  static double curveY(Place a, Place b, double x) {
    double x1 = a.x() + WIDTH;
    double x2 = b.x();
    double y1 = a.y() + HEIGHT / 2.0;
    double y2 = b.y() + HEIGHT / 2.0;
    if (x2 <= x1) {
      return (y1 + y2) / 2;
    }
    double mx = (x1 + x2) / 2;
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 50; i++) {
      double t = (lo + hi) / 2;
      double u = 1 - t;
      double xt = u * u * u * x1 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x2;
      if (xt < x) {
        lo = t;
      } else {
        hi = t;
      }
    }
    double t = (lo + hi) / 2;
    return y1 + (y2 - y1) * t * t * (3 - 2 * t);
  }
}
