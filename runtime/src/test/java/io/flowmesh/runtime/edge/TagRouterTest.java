package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A message's tags route it the same whether they are held as text or as the bytes they arrived as. */
class TagRouterTest {

  private static final List<TagCondition> CONDITIONS = Arrays.asList(null, TagCondition.parse("or:even"),
      TagCondition.parse("and:odd,checked"), TagCondition.parse("not:even,ключ"));

  @Test
  void tagsHeldAsBytesRouteAsTheSameTagsHeldAsText() throws Exception {
    TagRouter router = new TagRouter(CONDITIONS);
    List<List<String>> cases = List.of(List.of(), List.of("even"), List.of("odd"), List.of("odd", "checked"),
        List.of("checked", "odd", "other"), List.of("ключ"), List.of("evenx"), List.of("even", "ключ"));
    for (List<String> tags : cases) {
      EdgeMessage asText = EdgeMessage.newBuilder().setId("m").addAllTags(tags).build();
      EdgeMessage asBytes = EdgeMessage.parseFrom(asText.toByteArray());
      for (int i = 0; i < tags.size(); i++) {
        assertTrue(asBytes.getTagsList().raw(i) instanceof ByteString, "parsed tags are held as bytes");
      }
      long expected = 0;
      for (int e = 0; e < CONDITIONS.size(); e++) {
        if (CONDITIONS.get(e) == null || CONDITIONS.get(e).matches(tags)) {
          expected |= 1L << e;
        }
      }
      assertEquals(expected, router.route(asText), "as text: " + tags);
      assertEquals(expected, router.route(asBytes), "as bytes: " + tags);
    }
  }
}
