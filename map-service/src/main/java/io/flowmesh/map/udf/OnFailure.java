package io.flowmesh.map.udf;

/** What the client does with an element once {@code udf.retry.max-attempts} attempts failed. */
public enum OnFailure {
  /** Keep retrying with the maximum backoff; the element never fails. */
  RETRY_FOREVER,
  /** Report it through {@link UdfListener#onFailure}; the engine drops (acks) it. */
  DROP,
  /** Report it through {@link UdfListener#onFailure}; the engine nacks it upstream. */
  FAIL;

  /** The config spelling: {@code retry-forever}, {@code drop} or {@code fail}. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
