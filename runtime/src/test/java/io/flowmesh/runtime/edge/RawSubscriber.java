package io.flowmesh.runtime.edge;

import io.flowmesh.proto.edge.v1.Ack;
import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.Credit;
import io.flowmesh.proto.edge.v1.EdgeGrpcClient;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** A hand-driven subscriber for tests: sends exactly the frames a test asks for, in that order. */
final class RawSubscriber {

  final AtomicReference<GrpcStatus> status = new AtomicReference<>();
  final AtomicReference<String> statusMessage = new AtomicReference<>();
  private final Context context;
  private final Future<GrpcClientRequest<SubscriberFrame, UpstreamFrame>> request;
  private volatile Handler<Batch> batchHandler = b -> { };

  RawSubscriber(Vertx vertx, int port) {
    this(vertx, port, Map.of());
  }

  /** A subscriber that sends {@code metadata} (e.g. {@code authorization}) with its first frame. */
  RawSubscriber(Vertx vertx, int port, Map<String, String> metadata) {
    this.context = vertx.getOrCreateContext();
    GrpcClient client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(64 << 20),
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    this.request = Future.<GrpcClientRequest<SubscriberFrame, UpstreamFrame>>future(p -> context.runOnContext(v ->
        client.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"), EdgeGrpcClient.Subscribe).onComplete(p)));
    request.onSuccess(req -> metadata.forEach((k, v) -> req.headers().set(k, v)));
    request.onSuccess(req -> req.response().onSuccess(resp -> {
      resp.handler(frame -> {
        if (frame.hasBatch()) {
          batchHandler.handle(frame.getBatch());
        }
      });
      resp.endHandler(v -> {
        statusMessage.set(resp.statusMessage());
        status.set(resp.status());
      });
    }));
  }

  void onBatch(Handler<Batch> handler) {
    this.batchHandler = handler;
  }

  void hello(String id, int version, long credit) {
    hello(id, "raw", version, credit);
  }

  void hello(String id, String vertex, int version, long credit) {
    send(SubscriberFrame.newBuilder().setHello(Hello.newBuilder().setSubscriberId(id).setVertex(vertex)
        .setProtocolVersion(version).setInitialCredit(credit)).build());
  }

  /** A hello naming the upstream vertex the subscriber expects ({@code Hello.upstream_vertex}). */
  void hello(String id, String vertex, String upstreamVertex, int version, long credit) {
    send(SubscriberFrame.newBuilder().setHello(Hello.newBuilder().setSubscriberId(id).setVertex(vertex)
        .setUpstreamVertex(upstreamVertex).setProtocolVersion(version).setInitialCredit(credit)).build());
  }

  void credit(long n) {
    send(SubscriberFrame.newBuilder().setCredit(Credit.newBuilder().setMessages(n)).build());
  }

  void ack(List<Long> seqs) {
    send(SubscriberFrame.newBuilder().setAck(Ack.newBuilder().addAllSeqs(seqs)).build());
  }

  private void send(SubscriberFrame frame) {
    request.onSuccess(req -> req.write(frame));
  }
}
