package io.flowmesh.runtime.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The YAML reader of config files and pipeline specs: plain data only (no tags that build
 * objects), and a key given twice in one mapping is an error rather than the last one winning
 * without a word.
 */
public final class StrictYaml {

  private StrictYaml() {
  }

  /** A new reader (SnakeYAML's are not thread-safe). */
  public static Yaml reader() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new SafeConstructor(options));
  }
}
