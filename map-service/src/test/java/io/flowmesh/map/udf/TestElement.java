package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import java.io.IOException;

/** An element whose value is its index in decimal, so an echo UDF's answer names it. */
final class TestElement implements UdfElement {

  final int index;
  private final MapRequest.Request request;

  TestElement(int index) {
    this(index, Integer.toString(index));
  }

  TestElement(int index, String value) {
    this.index = index;
    this.request = MapRequest.Request.newBuilder()
        .addKeys("k" + (index % 10))
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  /** The request this element stands for. */
  MapRequest.Request request() {
    return request;
  }

  @Override
  public int requestSize() {
    return request.getSerializedSize();
  }

  @Override
  public void writeRequest(CodedOutputStream out) throws IOException {
    request.writeTo(out);
  }

  /** How many times the client detached it (read on the client's event loop). */
  int detaches;

  @Override
  public int detach() {
    detaches++;
    return 1;
  }

  @Override
  public String toString() {
    return "TestElement#" + index;
  }
}
