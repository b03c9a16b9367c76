package io.flowmesh.udf.impl;

import io.flowmesh.udf.MapMode;
import io.flowmesh.udf.UdfAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * Numaflow's server-info file: a JSON object followed by the end marker, telling the client
 * which protocol and map mode the server speaks. Written whole to a temporary file and moved
 * into place, so a reader never sees half of it.
 */
public final class ServerInfoFile {

  /** Ends the file's content; spelled as Numaflow's SDKs spell it. */
  public static final String END_MARKER = "U+005C__END__";
  /** The {@code minimum_numaflow_version} the Numaflow Java SDK 0.9 declares for map. */
  static final String MINIMUM_NUMAFLOW_VERSION = "1.4.0-z";
  /** This library's version, as written in the {@code version} field. */
  static final String VERSION = "0.1.0";

  private ServerInfoFile() {
  }

  /** The file's content for a server on this address in this mode. */
  public static String content(UdfAddress address, MapMode mode) {
    JsonObject info = new JsonObject()
        .put("protocol", address.protocol())
        .put("language", "java")
        .put("minimum_numaflow_version", MINIMUM_NUMAFLOW_VERSION)
        .put("version", VERSION)
        .put("metadata", new JsonObject().put("MAP_MODE", mode.wireName()));
    return info.encode() + END_MARKER;
  }

  /** Writes the file at {@code path}, creating its directory and replacing an old file. */
  public static Future<Void> write(Vertx vertx, Path path, UdfAddress address, MapMode mode) {
    FileSystem fs = vertx.fileSystem();
    String target = path.toAbsolutePath().toString();
    String temporary = target + ".tmp";
    Path parent = path.toAbsolutePath().getParent();
    Future<Void> directory = parent == null ? Future.succeededFuture() : fs.mkdirs(parent.toString());
    return directory
        .compose(v -> fs.writeFile(temporary, Buffer.buffer(content(address, mode))))
        .compose(v -> fs.move(temporary, target, new CopyOptions().setReplaceExisting(true).setAtomicMove(true)));
  }
}
