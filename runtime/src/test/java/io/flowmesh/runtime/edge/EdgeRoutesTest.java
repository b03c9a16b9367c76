package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code X.edge.to} and {@code X.edge.condition.<to>} as a service reads them, and the conditions' syntax. */
class EdgeRoutesTest {

  private static final ConfigKey<Set<String>> TO = EdgeRoutes.toKey("map");
  private static final ConfigKey<String> CONDITION = EdgeRoutes.conditionKey("map");
  private static final ConfigKey<Set<String>> ALLOWED = ConfigKey.of("map.edge.allowed-subscribers", "sink", Types.NAMES, "test");

  private static Settings settings(String[] args, Map<String, String> env) {
    return Settings.load(List.of(TO, CONDITION, ALLOWED), Set.of("map"), args, env);
  }

  @Test
  void withoutEdgeToThereIsOneUnnamedEdgeAndTheAllowedSubscribersStayAsSet() {
    Settings s = settings(new String[0], Map.of());
    EdgeRoutes routes = EdgeRoutes.read(s, TO, CONDITION);
    assertSame(EdgeRoutes.SINGLE, routes);
    assertEquals(Set.of("sink"), EdgeRoutes.allowedSubscribers(s, ALLOWED, routes));
    assertEquals(List.of(), s.problems());
  }

  @Test
  void edgesAreReadInNameOrderWithTheirConditionsAndBecomeTheAllowedSubscribers() {
    Settings s = settings(new String[] {"--map.edge.to=sink-odd,sink-even,audit", "--map.edge.condition.sink-even=or:even",
        "--map.edge.condition.sink-odd=and:odd,checked"}, Map.of());
    EdgeRoutes routes = EdgeRoutes.read(s, TO, CONDITION);
    assertEquals(List.of(), s.problems());
    assertEquals(List.of("audit", "sink-even", "sink-odd"), routes.names());
    assertNull(routes.routes().get(0).condition(), "no condition: every message");
    assertEquals("or:even", routes.routes().get(1).condition().toString());
    assertEquals("and:odd,checked", routes.routes().get(2).condition().toString());
    assertEquals("map.edge.to", routes.toKey());
    assertEquals(Set.of("audit", "sink-even", "sink-odd"), EdgeRoutes.allowedSubscribers(s, ALLOWED, routes));
    assertEquals("audit,sink-even,sink-odd", s.effective().get(ALLOWED.name()), "/status shows the names in use, not the default");
  }

  @Test
  void aConditionFromTheEnvironmentFindsItsEdgeThoughTheVariableCannotSpellTheDash() {
    Settings s = settings(new String[0], Map.of("FLOWMESH_MAP_EDGE_TO", "sink-even,sink-odd",
        "FLOWMESH_MAP_EDGE_CONDITION_SINK_EVEN", "or:even", "FLOWMESH_MAP_EDGE_CONDITION_SINK_ODD", "not:even"));
    EdgeRoutes routes = EdgeRoutes.read(s, TO, CONDITION);
    assertEquals(List.of(), s.problems());
    assertEquals("or:even", routes.routes().get(0).condition().toString());
    assertEquals("not:even", routes.routes().get(1).condition().toString());
  }

  @Test
  void aConditionForAnEdgeNotInEdgeToIsAnErrorNamingTheKey() {
    Settings s = settings(new String[] {"--map.edge.to=sink-even", "--map.edge.condition.sink-odd=or:odd"}, Map.of());
    EdgeRoutes.read(s, TO, CONDITION);
    assertEquals(1, s.problems().size(), s.problems().toString());
    String p = s.problems().get(0);
    assertTrue(p.startsWith("map.edge.condition.sink-odd='or:odd': 'sink-odd' is not one of the edges in map.edge.to=sink-even"), p);
  }

  @Test
  void aConditionWithoutEdgeToIsAnErrorNamingBothKeys() {
    Settings s = settings(new String[] {"--map.edge.condition.sink=or:odd"}, Map.of());
    EdgeRoutes.read(s, TO, CONDITION);
    assertEquals(List.of("map.edge.condition.sink is set but map.edge.to is not: a condition belongs to one of the edges "
        + "map.edge.to names"), s.problems());
  }

  @Test
  void aMalformedConditionIsAnErrorSayingWhatIsWrong() {
    Settings s = settings(new String[] {"--map.edge.to=a,b,c", "--map.edge.condition.a=xor:even",
        "--map.edge.condition.b=even", "--map.edge.condition.c=or:even,,odd"}, Map.of());
    EdgeRoutes.read(s, TO, CONDITION);
    assertEquals(List.of(
        "map.edge.condition.a='xor:even': unknown operator 'xor': use or, and or not",
        "map.edge.condition.b='even': expected <op>:<tag>[,<tag>...] with op or, and or not (e.g. or:even), got no ':'",
        "map.edge.condition.c='or:even,,odd': an empty tag in 'even,,odd': list tags separated by commas"), s.problems());
  }

  @Test
  void aWildcardIsNoEdgeName() {
    Settings s = settings(new String[] {"--map.edge.to=*,sink"}, Map.of());
    EdgeRoutes routes = EdgeRoutes.read(s, TO, CONDITION);
    assertEquals(List.of("sink"), routes.names());
    assertEquals(1, s.problems().size(), s.problems().toString());
    assertTrue(s.problems().get(0).contains("'*' is not a vertex name"), s.problems().get(0));
  }

  @Test
  void conditionsMatchAsNumaflowsOrAndAndNot() {
    List<String> xy = List.of("x", "y");
    assertTrue(TagCondition.parse("or:x,z").matches(xy));
    assertTrue(!TagCondition.parse("or:z").matches(xy));
    assertTrue(TagCondition.parse("and:x,y").matches(xy));
    assertTrue(!TagCondition.parse("and:x,z").matches(xy));
    assertTrue(TagCondition.parse("not:z").matches(xy));
    assertTrue(!TagCondition.parse("not:z,y").matches(xy));
    assertThrows(IllegalArgumentException.class, () -> TagCondition.parse("or:"));
  }
}
