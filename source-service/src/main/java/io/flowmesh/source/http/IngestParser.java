package io.flowmesh.source.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns an /ingest request into messages (without ids; the source assigns them).
 *
 * <ul>
 *   <li>A single message: the body is the value.
 *   <li>NDJSON ({@code application/x-ndjson}): one JSON object per non-blank line with
 *       {@code value} (a string, stored as UTF-8) or {@code value_base64}, and optionally
 *       {@code keys} (an array of strings) and {@code event_time} (epoch ms or ISO-8601). Other
 *       fields are ignored.
 * </ul>
 *
 * <p>The headers {@code X-Flowmesh-Keys} (comma-separated) and {@code X-Flowmesh-Event-Time}
 * (epoch ms or ISO-8601) set a single message's keys and event time, and are the defaults of
 * NDJSON lines that have none. Without an event time, the event time is the time of arrival.
 *
 * <p>Concurrency: stateless; runs on the HTTP server's event loop.
 */
final class IngestParser {

  /** Messages parsed from one request and their payload bytes in all. */
  record Parsed(List<EdgeMessageBuilder> messages, long bytes) {
  }

  private final long maxMessageBytes;

  IngestParser(long maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  Parsed single(String keysHeader, String eventTimeHeader, Buffer body, long nowMillis) throws BadRequestException {
    EdgeMessageBuilder b = defaults(keysHeader, eventTimeHeader, nowMillis);
    checkSize(body.length(), "the body");
    b.setValue(UnsafeByteOperations.unsafeWrap(body.getBytes()));
    return new Parsed(List.of(b), body.length());
  }

  Parsed ndjson(String keysHeader, String eventTimeHeader, Buffer body, long nowMillis) throws BadRequestException {
    EdgeMessageBuilder template = defaults(keysHeader, eventTimeHeader, nowMillis);
    String text = body.toString(StandardCharsets.UTF_8);
    List<EdgeMessageBuilder> out = new ArrayList<>();
    long bytes = 0;
    int line = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      line++;
      String s = text.substring(start, end).strip();
      start = end + 1;
      if (s.isEmpty()) {
        continue;
      }
      EdgeMessageBuilder b = parseLine(s, line, template.clone());
      bytes += b.getValue().size();
      out.add(b);
    }
    if (out.isEmpty()) {
      throw BadRequestException.badRequest("the NDJSON body holds no message (one JSON object per line expected)");
    }
    return new Parsed(out, bytes);
  }

  private EdgeMessageBuilder parseLine(String s, int line, EdgeMessageBuilder b) throws BadRequestException {
    JsonObject o;
    try {
      o = new JsonObject(s);
    } catch (DecodeException | ClassCastException e) {
      throw BadRequestException.badRequest("line " + line + ": not a JSON object");
    }
    Object value = o.getValue("value");
    Object base64 = o.getValue("value_base64");
    if ((value == null) == (base64 == null)) {
      throw BadRequestException.badRequest("line " + line + ": needs exactly one of \"value\" (a string) or \"value_base64\"");
    }
    ByteString bytes;
    if (value != null) {
      if (!(value instanceof String)) {
        throw BadRequestException.badRequest("line " + line + ": \"value\" must be a string (use value_base64 for bytes)");
      }
      bytes = ByteString.copyFromUtf8((String) value);
    } else {
      try {
        bytes = UnsafeByteOperations.unsafeWrap(Base64.getDecoder().decode(String.valueOf(base64)));
      } catch (IllegalArgumentException e) {
        throw BadRequestException.badRequest("line " + line + ": \"value_base64\" is not base64: " + e.getMessage());
      }
    }
    checkSize(bytes.size(), "line " + line + "'s value");
    b.setValue(bytes);
    Object keys = o.getValue("keys");
    if (keys != null) {
      if (!(keys instanceof JsonArray)) {
        throw BadRequestException.badRequest("line " + line + ": \"keys\" must be an array of strings");
      }
      b.clearKeys();
      for (Object k : (JsonArray) keys) {
        if (!(k instanceof String)) {
          throw BadRequestException.badRequest("line " + line + ": \"keys\" must be an array of strings");
        }
        b.addKeys((String) k);
      }
    }
    Object et = o.getValue("event_time");
    if (et != null) {
      b.setEventTime(eventTime(et instanceof Number ? Long.toString(((Number) et).longValue()) : String.valueOf(et),
          "line " + line + ": \"event_time\""));
    }
    return b;
  }

  private EdgeMessageBuilder defaults(String keysHeader, String eventTimeHeader, long nowMillis) throws BadRequestException {
    EdgeMessageBuilder b = EdgeMessage.newBuilder().setEventTime(nowMillis);
    if (keysHeader != null) {
      for (String k : keysHeader.split(",")) {
        String key = k.strip();
        if (!key.isEmpty()) {
          b.addKeys(key);
        }
      }
    }
    if (eventTimeHeader != null) {
      b.setEventTime(eventTime(eventTimeHeader, "header X-Flowmesh-Event-Time"));
    }
    return b;
  }

  /** Epoch milliseconds, or an ISO-8601 instant or offset date-time. */
  static long eventTime(String text, String what) throws BadRequestException {
    String s = text.strip();
    long ms;
    try {
      if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
        ms = Long.parseLong(s);
      } else if (s.endsWith("Z") || s.endsWith("z")) {
        ms = Instant.parse(s).toEpochMilli();
      } else {
        ms = OffsetDateTime.parse(s).toInstant().toEpochMilli();
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw BadRequestException.badRequest(what + " is '" + text + "': allowed is epoch milliseconds (e.g. 1700000000000)"
          + " or ISO-8601 (e.g. 2024-05-01T12:00:00Z)");
    }
    if (ms < 0) {
      throw BadRequestException.badRequest(what + " is before 1970: " + text);
    }
    return ms;
  }

  private void checkSize(long size, String what) throws BadRequestException {
    if (size > maxMessageBytes) {
      throw BadRequestException.tooLarge(what + " is " + size + " bytes, over edge.max-message-bytes=" + maxMessageBytes);
    }
  }
}
