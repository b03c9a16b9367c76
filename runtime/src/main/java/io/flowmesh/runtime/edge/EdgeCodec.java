package io.flowmesh.runtime.edge;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Encodes an upstream's batch, {@code UpstreamFrame{batch{first_seq, messages, watermark}}}, as a
 * whole gRPC frame (prefix included) into one pooled direct buffer of its exact size, straight from
 * the queued messages: no {@code Batch} or frame object is built, and each message's bytes are
 * copied once, into the memory the socket is written from (Netty copies a heap buffer into a direct
 * one before writing it; a direct one it writes as it is). Byte for byte what the generated classes
 * would write. The caller owns the buffer and releases it once written ({@link EdgeCall#write}).
 *
 * <p>Concurrency: stateless.
 */
final class EdgeCodec {

  /**
   * Where batch frames come from: Netty's default (pooled) allocator. A test may put an instrumented
   * one here before any edge server exists, to see every frame released.
   */
  static ByteBufAllocator frames = ByteBufAllocator.DEFAULT;

  private static final int MESSAGES_TAG = CodedOutputStream.computeTagSize(Batch.MESSAGES_FIELD_NUMBER);
  private static final int FRAME_TAG = CodedOutputStream.computeTagSize(UpstreamFrame.BATCH_FIELD_NUMBER);

  private EdgeCodec() {
  }

  /** The frame of {@code messages[0..count)} numbered from {@code firstSeq}, with {@code watermark}, in a buffer from {@code alloc}. */
  static ByteBuf batchFrame(ByteBufAllocator alloc, long firstSeq, long watermark, EdgeMessage[] messages, int count) {
    int batchSize = 0;
    if (firstSeq != 0) {
      batchSize += CodedOutputStream.computeUInt64Size(Batch.FIRST_SEQ_FIELD_NUMBER, firstSeq);
    }
    for (int i = 0; i < count; i++) {
      int size = messages[i].getSerializedSize();
      batchSize += MESSAGES_TAG + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }
    if (watermark != 0) {
      batchSize += CodedOutputStream.computeInt64Size(Batch.WATERMARK_FIELD_NUMBER, watermark);
    }
    int frameSize = FRAME_TAG + CodedOutputStream.computeUInt32SizeNoTag(batchSize) + batchSize;
    int total = GrpcFrames.PREFIX + frameSize;
    ByteBuf frame = alloc.directBuffer(total, total);
    try {
      frame.writeByte(0).writeInt(frameSize);
      ByteBuffer body = frame.nioBuffer(GrpcFrames.PREFIX, frameSize);
      CodedOutputStream out = CodedOutputStream.newInstance(body);
      out.writeTag(UpstreamFrame.BATCH_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(batchSize);
      if (firstSeq != 0) {
        out.writeUInt64(Batch.FIRST_SEQ_FIELD_NUMBER, firstSeq);
      }
      for (int i = 0; i < count; i++) {
        out.writeTag(Batch.MESSAGES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(messages[i].getSerializedSize());
        messages[i].writeTo(out);
      }
      if (watermark != 0) {
        out.writeInt64(Batch.WATERMARK_FIELD_NUMBER, watermark);
      }
      out.flush();
      out.checkNoSpaceLeft();
      frame.writerIndex(total);
      return frame;
    } catch (IOException e) {
      frame.release();
      throw new UncheckedIOException("encoding an edge batch into a buffer of its exact size", e);
    } catch (RuntimeException | Error e) {
      frame.release();
      throw e;
    }
  }
}
