package io.flowmesh.systemtests;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned Grafana dashboard: its panels' PromQL and the metrics those query. */
final class Dashboard {

  static final Path FILE = Project.path("deploy/grafana/dashboards/flowmesh.json");

  /** A metric a query selects, with its equality label matchers ({@code name{a="b"}}). */
  record MetricRef(String name, Map<String, String> labels) {
  }

  private static final Pattern METRIC = Pattern.compile("\\b((?:flowmesh|jvm|process)_[a-zA-Z0-9_]+)(\\{([^}]*)\\})?");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");

  private final JsonObject json;

  private Dashboard(JsonObject json) {
    this.json = json;
  }

  static Dashboard load() {
    try {
      return new Dashboard(new JsonObject(Files.readString(FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonObject json() {
    return json;
  }

  /** Every panel, rows' nested panels included. */
  List<JsonObject> panels() {
    List<JsonObject> out = new ArrayList<>();
    collect(json.getJsonArray("panels", new JsonArray()), out);
    return out;
  }

  private static void collect(JsonArray panels, List<JsonObject> out) {
    for (int i = 0; i < panels.size(); i++) {
      JsonObject p = panels.getJsonObject(i);
      out.add(p);
      collect(p.getJsonArray("panels", new JsonArray()), out);
    }
  }

  /** Every target's PromQL expression. */
  List<String> expressions() {
    List<String> out = new ArrayList<>();
    for (JsonObject p : panels()) {
      JsonArray targets = p.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        String expr = targets.getJsonObject(i).getString("expr");
        if (expr != null) {
          out.add(expr);
        }
      }
    }
    return out;
  }

  /** Data source uids referred to by panels and targets. */
  Set<String> datasourceUids() {
    Set<String> uids = new LinkedHashSet<>();
    for (JsonObject p : panels()) {
      addUid(p.getValue("datasource"), uids);
      JsonArray targets = p.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        addUid(targets.getJsonObject(i).getValue("datasource"), uids);
      }
    }
    return uids;
  }

  private static void addUid(Object ds, Set<String> uids) {
    if (ds instanceof JsonObject o && o.getString("uid") != null) {
      uids.add(o.getString("uid"));
    }
  }

  /** The metrics an expression selects. */
  static List<MetricRef> metrics(String expr) {
    List<MetricRef> out = new ArrayList<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = MATCHER.matcher(m.group(3));
        while (l.find()) {
          if (!l.group(2).equals("=")) {
            throw new AssertionError("only = matchers are checked; extend Dashboard.metrics for: " + expr);
          }
          labels.put(l.group(1), l.group(3));
        }
      }
      out.add(new MetricRef(m.group(1), labels));
    }
    return out;
  }
}
