package io.flowmesh.runtime.udf;

import io.flowmesh.runtime.errors.Reasons;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystemException;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * Waits for the SDK's server-info file to exist and be complete (end with
 * {@code U+005C__END__}), then parses it. Polls through Vert.x's asynchronous file system, so
 * the event loop never blocks.
 *
 * <h2>Concurrency</h2>
 * Call from an event-loop context; the result completes there.
 */
public final class ServerInfoReader {

  private ServerInfoReader() {
  }

  /**
   * Reads {@code path}, waiting up to {@code timeout} for it to appear and be complete.
   * Fails with a message naming the path if it never does or if it is malformed.
   */
  public static Future<ServerInfo> read(Vertx vertx, String path, Duration timeout) {
    Promise<ServerInfo> promise = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    long pollMillis = Math.max(10, Math.min(100, timeout.toMillis() / 10));
    attempt(vertx, path, timeout, deadline, pollMillis, promise);
    return promise.future();
  }

  private static void attempt(Vertx vertx, String path, Duration timeout, long deadline,
      long pollMillis, Promise<ServerInfo> promise) {
    vertx.fileSystem().readFile(path).onComplete(ar -> {
      String waitingFor;
      if (ar.succeeded()) {
        String content = ar.result().toString(StandardCharsets.UTF_8);
        if (ServerInfo.isComplete(content)) {
          try {
            promise.complete(ServerInfo.parse(path, content));
          } catch (IllegalArgumentException e) {
            promise.fail(e);
          }
          return;
        }
        waitingFor = "to end with " + ServerInfo.END_MARKER + " (" + content.length() + " bytes so far)";
      } else if (isMissing(ar.cause())) {
        waitingFor = "to exist";
      } else {
        promise.fail(new IllegalStateException("UDF server-info file " + path + " cannot be read: "
            + Reasons.of(ar.cause()), ar.cause()));
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        promise.fail(new IllegalStateException("UDF server-info file " + path + " did not come "
            + waitingFor + " within " + timeout));
        return;
      }
      vertx.setTimer(pollMillis, id -> attempt(vertx, path, timeout, deadline, pollMillis, promise));
    });
  }

  private static boolean isMissing(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return true;
      }
      if (c instanceof FileSystemException && String.valueOf(c.getMessage()).contains("NoSuchFile")) {
        return true;
      }
    }
    return false;
  }

}
