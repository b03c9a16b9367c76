package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Abort;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.EdgeGrpcService;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import java.util.concurrent.atomic.AtomicReference;

/** A misbehaving upstream for tests: answers a hello with {@code over} more messages than the credit granted. */
final class RawUpstream {

  final AtomicReference<Abort> abort = new AtomicReference<>();
  /** The last hello received. */
  final AtomicReference<Hello> hello = new AtomicReference<>();
  private final Vertx vertx;
  private final Context context;
  private final int over;

  RawUpstream(Vertx vertx, int over) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.over = over;
  }

  int listen() {
    return awaitOn(context, () -> {
      GrpcServer grpc = GrpcServer.server(vertx);
      grpc.callHandler(EdgeGrpcService.Subscribe, req -> req.handler(frame -> {
        if (frame.hasHello()) {
          hello.set(frame.getHello());
          Batch.Builder b = Batch.newBuilder().setFirstSeq(0);
          for (long i = 0; i < frame.getHello().getInitialCredit() + over; i++) {
            b.addMessages(io.flowmesh.proto.edge.v1.Message.newBuilder().setId("r" + i).setValue(ByteString.copyFromUtf8("v")));
          }
          req.response().write(UpstreamFrame.newBuilder().setBatch(b).build());
        } else if (frame.hasAbort()) {
          abort.set(frame.getAbort());
        }
      }));
      return vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1").map(HttpServer::actualPort);
    });
  }
}
