package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Unary: upper-cases each element's value (UTF-8), keeping its keys. Stateless. */
public final class UppercaseMapper extends Mapper {

  @Override
  public MessageList processMessage(String[] keys, Datum datum) {
    return MessageList.newBuilder()
        .addMessage(new Message(uppercase(datum.getValue()), keys))
        .build();
  }

  static byte[] uppercase(byte[] value) {
    return new String(value, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
  }
}
