package io.flowmesh.sink.writer;

import io.flowmesh.runtime.edge.EdgeMessage;

/**
 * The file sink's line: {@code {"id":..,"keys":[..],"event_time":<epoch ms>,"value":".."}} —
 * {@code "value_base64"} instead of {@code "value"} when the bytes are not valid UTF-8, and
 * {@code "tags":[..]} after the keys when the message has tags (a UDF's {@code withTags}).
 */
final class NdjsonFormat {

  private NdjsonFormat() {
  }

  static void encode(EdgeMessage m, OutBuffer out) {
    out.ascii("{\"id\":");
    JsonText.string(out, m.getId());
    out.ascii(",\"keys\":");
    JsonText.array(out, m.getKeysList());
    if (m.getTagsCount() > 0) {
      out.ascii(",\"tags\":");
      JsonText.array(out, m.getTagsList());
    }
    out.ascii(",\"event_time\":");
    out.decimal(m.getEventTime());
    if (m.getValue().isValidUtf8()) {
      out.ascii(",\"value\":");
      JsonText.text(out, m.getValue());
    } else {
      out.ascii(",\"value_base64\":");
      JsonText.base64(out, m.getValue());
    }
    out.ascii("}\n");
  }
}
