package io.flowmesh.runtime.edge;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.udf.GrpcFrames;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes an upstream's batch, {@code UpstreamFrame{batch{first_seq, messages, watermark}}}, as a
 * whole gRPC frame (prefix included) into one array of its exact size, straight from the queued
 * messages: no {@code Batch} or frame object is built, and each message's bytes are copied once, the
 * copy that goes on the wire. Byte for byte what the generated classes would write.
 *
 * <p>Concurrency: stateless.
 */
final class EdgeCodec {

  private static final int FRAME_TAG = CodedOutputStream.computeTagSize(UpstreamFrame.BATCH_FIELD_NUMBER);

  private EdgeCodec() {
  }

  /** The frame of {@code messages[0..count)} numbered from {@code firstSeq}, with {@code watermark}. */
  static byte[] batchFrame(long firstSeq, long watermark, Message[] messages, int count) {
    int batchSize = 0;
    if (firstSeq != 0) {
      batchSize += CodedOutputStream.computeUInt64Size(Batch.FIRST_SEQ_FIELD_NUMBER, firstSeq);
    }
    for (int i = 0; i < count; i++) {
      batchSize += CodedOutputStream.computeMessageSize(Batch.MESSAGES_FIELD_NUMBER, messages[i]);
    }
    if (watermark != 0) {
      batchSize += CodedOutputStream.computeInt64Size(Batch.WATERMARK_FIELD_NUMBER, watermark);
    }
    int frameSize = FRAME_TAG + CodedOutputStream.computeUInt32SizeNoTag(batchSize) + batchSize;
    byte[] frame = new byte[GrpcFrames.PREFIX + frameSize];
    GrpcFrames.writePrefix(frame, frameSize);
    CodedOutputStream out = CodedOutputStream.newInstance(frame, GrpcFrames.PREFIX, frameSize);
    try {
      out.writeTag(UpstreamFrame.BATCH_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(batchSize);
      if (firstSeq != 0) {
        out.writeUInt64(Batch.FIRST_SEQ_FIELD_NUMBER, firstSeq);
      }
      for (int i = 0; i < count; i++) {
        out.writeMessage(Batch.MESSAGES_FIELD_NUMBER, messages[i]);
      }
      if (watermark != 0) {
        out.writeInt64(Batch.WATERMARK_FIELD_NUMBER, watermark);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding an edge batch into an array of its exact size", e);
    }
    return frame;
  }
}
