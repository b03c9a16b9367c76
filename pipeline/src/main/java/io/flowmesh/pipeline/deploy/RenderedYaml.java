package io.flowmesh.pipeline.deploy;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** How every renderer writes its YAML: block style, two-space indents, list items indented, wide lines. */
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
    return header + new Yaml(o).dump(root);
  }
}
