package io.flowmesh.pipeline.deploy;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * How every renderer writes its YAML: block style, two-space indents, list items indented, wide
 * lines, and a value shared by several places written out at each (no {@code &anchor}/{@code *alias}
 * in a file people read and edit).
 */
final class RenderedYaml {

  private RenderedYaml() {
  }

  /** {@code header} (comment lines) followed by {@code root} as YAML. */
  static String dump(String header, Object root) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setIndicatorIndent(2);
    o.setIndentWithIndicator(true);
    o.setWidth(200);
    o.setDereferenceAliases(true);
    return header + new Yaml(o).dump(root);
  }
}
