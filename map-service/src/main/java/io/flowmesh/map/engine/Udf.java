package io.flowmesh.map.engine;

import java.util.List;

/**
 * What the engine needs of the UDF: send one element (unary map) or a batch (batch map). The
 * answer comes back through {@link MapEngine#onResults} or {@link MapEngine#onFailure}, exactly
 * once per element, on the engine's event loop.
 */
public interface Udf {

  /** Sends one element; its results arrive out of order with respect to other elements. */
  void map(Element e);

  /** Sends a batch; each element's results arrive on their own. */
  void mapBatch(List<Element> batch);
}
