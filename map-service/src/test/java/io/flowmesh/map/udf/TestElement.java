package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapRequest;

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

  @Override
  public MapRequest.Request request() {
    return request;
  }

  @Override
  public String toString() {
    return "TestElement#" + index;
  }
}
