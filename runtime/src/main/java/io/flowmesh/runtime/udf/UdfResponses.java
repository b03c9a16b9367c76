package io.flowmesh.runtime.udf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
import io.flowmesh.runtime.buffer.ProtoInput;

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

  /** A short, bounded description of a response for logs. */
  public static String describe(Message response) {
    String text = TextFormat.printer().emittingSingleLine(true).printToString(response);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
