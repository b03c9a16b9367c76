package io.flowmesh.runtime.edge;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, per message, which outbound edges it goes on, with the conditions compiled ahead: every
 * tag any condition names has a bit, each condition is a mask of those bits, and a message's tags
 * become a mask of the bits present (a map lookup per tag, no allocation). Up to 64 edges and 64
 * distinct condition tags.
 *
 * <h2>Concurrency</h2>
 * Immutable after construction.
 */
final class TagRouter {

  /** Most outbound edges, and most distinct tags over all conditions. */
  static final int MAX = 64;

  private final Map<String, Integer> bitOfTag = new HashMap<>();
  /** The same, keyed by each tag's UTF-8 bytes: a message's tag held as bytes is looked up without decoding it. */
  private final Map<ByteString, Integer> bitOfTagBytes = new HashMap<>();
  private final TagCondition.Op[] ops;
  private final long[] masks;

  /** @param conditions per edge, in edge order; null = every message */
  TagRouter(List<TagCondition> conditions) {
    if (conditions.size() > MAX) {
      throw new IllegalArgumentException("at most " + MAX + " outbound edges, got " + conditions.size());
    }
    ops = new TagCondition.Op[conditions.size()];
    masks = new long[conditions.size()];
    for (int e = 0; e < conditions.size(); e++) {
      TagCondition c = conditions.get(e);
      if (c == null) {
        continue;
      }
      ops[e] = c.op();
      for (String tag : c.tags()) {
        Integer bit = bitOfTag.get(tag);
        if (bit == null) {
          if (bitOfTag.size() == MAX) {
            throw new IllegalArgumentException("at most " + MAX + " distinct tags over all edge conditions");
          }
          bit = bitOfTag.size();
          bitOfTag.put(tag, bit);
          bitOfTagBytes.put(ByteString.copyFromUtf8(tag), bit);
        }
        masks[e] |= 1L << bit;
      }
    }
  }

  /** The edges {@code m} goes on, bit {@code e} for edge {@code e}; 0 when it meets no edge's condition. */
  long route(EdgeMessage m) {
    long present = 0;
    Texts tags = m.getTagsList();
    for (int i = 0, n = tags.size(); i < n; i++) {
      Object tag = tags.raw(i);
      Integer bit = tag instanceof ByteString b ? bitOfTagBytes.get(b) : bitOfTag.get((String) tag);
      if (bit != null) {
        present |= 1L << bit;
      }
    }
    long edges = 0;
    for (int e = 0; e < ops.length; e++) {
      TagCondition.Op op = ops[e];
      long mask = masks[e];
      boolean match = op == null
          || (op == TagCondition.Op.OR ? (present & mask) != 0
          : op == TagCondition.Op.AND ? (present & mask) == mask
          : (present & mask) == 0);
      if (match) {
        edges |= 1L << e;
      }
    }
    return edges;
  }
}
