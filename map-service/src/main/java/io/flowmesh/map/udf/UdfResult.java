package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;

import java.util.List;

/**
 * One result of a map UDF's answer: a {@code map.v1 MapResponse.Result} as the engine reads it.
 * Empty lists are {@code List.of()}; {@code value} may be a slice of the frame it arrived in (it
 * keeps that frame's array alive as long as it lives).
 *
 * @param keys the result's keys, in order
 * @param value the result's value
 * @param tags the result's tags, in order ({@code \__DROP__} among them drops it)
 */
public record UdfResult(List<String> keys, ByteString value, List<String> tags) {

  /** A result with a value and no keys or tags. */
  public static UdfResult of(ByteString value) {
    return new UdfResult(List.of(), value, List.of());
  }
}
