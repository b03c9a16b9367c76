package io.flowmesh.runtime.buffer;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Writing a pooled buffer we own through Vert.x: Vert.x hands a buffer it did not allocate to Netty
 * as unreleasable, and the write's future is Netty's promise (complete when the bytes went out or
 * the stream failed), so the release is ours, once that future completes — or at once when the
 * write throws.
 *
 * <p>Concurrency: stateless.
 */
public final class OwnedWrites {

  private OwnedWrites() {
  }

  /** Starts {@code write} (of a buffer wrapping {@code owned}) and releases {@code owned} when it is done. */
  public static Future<Void> writeThenRelease(ByteBuf owned, Supplier<Future<Void>> write) {
    Future<Void> written;
    try {
      written = write.get();
    } catch (RuntimeException e) {
      owned.release();
      throw e;
    }
    return written.onComplete(ar -> owned.release());
  }
}
