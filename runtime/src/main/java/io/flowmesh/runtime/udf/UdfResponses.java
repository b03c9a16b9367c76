package io.flowmesh.runtime.udf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.flowmesh.runtime.buffer.ProtoInput;
import java.util.List;
import java.util.Map;

/** Reading and describing the protobuf responses of a {@link UdfStream}. */
public final class UdfResponses {

  private UdfResponses() {
  }

  /**
   * Reads a whole message with {@code parser} from {@code array[offset, offset + length)}, its bytes
   * fields (values) slices of the array, not copies ({@link UdfStream.Decoder} says why that is
   * safe); with the check {@code parseFrom(byte[])} makes that the message ended where the frame did.
   */
  public static <M extends Message> M parse(Parser<M> parser, byte[] array, int offset, int length)
      throws InvalidProtocolBufferException {
    CodedInputStream in = ProtoInput.aliasing(array, offset, length);
    M response = parser.parseFrom(in);
    in.checkLastTagWas(0);
    return response;
  }

  /**
   * A short, bounded description of a response's shape for logs, without its data: each set field
   * by name; numbers, booleans and enums with their values, strings and bytes only with their
   * length (a value, a key or a tag may be anything a user's records hold), a repeated field with
   * its count and its first element.
   */
  public static String describe(Message response) {
    StringBuilder b = new StringBuilder();
    shape(response, b);
    return b.length() <= 200 ? b.toString() : b.substring(0, 200) + "...";
  }

  private static void shape(Message m, StringBuilder b) {
    boolean first = true;
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      if (b.length() > 200) {
        return;
      }
      b.append(first ? "" : " ").append(e.getKey().getName());
      first = false;
      if (e.getKey().isRepeated()) {
        List<?> items = (List<?>) e.getValue();
        b.append("[").append(items.size()).append("]");
        if (!items.isEmpty()) {
          b.append(": ");
          value(e.getKey(), items.get(0), b);
        }
      } else {
        b.append(": ");
        value(e.getKey(), e.getValue(), b);
      }
    }
  }

  private static void value(FieldDescriptor f, Object v, StringBuilder b) {
    switch (f.getJavaType()) {
      case MESSAGE -> {
        b.append("{");
        shape((Message) v, b);
        b.append("}");
      }
      case STRING -> b.append("<").append(((String) v).length()).append(" chars>");
      case BYTE_STRING -> b.append("<").append(((ByteString) v).size()).append(" bytes>");
      default -> b.append(v);
    }
  }
}
