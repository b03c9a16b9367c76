package io.flowmesh.udf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcClient;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of one {@code MapFn} call, for tests: sends requests through a real Vert.x
 * gRPC client, collects the responses and the final status, and lets a test thread wait for them.
 *
 * <h2>Concurrency</h2>
 * Responses arrive on an event loop; the waiting methods are for the test thread.
 */
public final class MapFnCall {

  /** How long any wait may take before the test fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final GrpcClientRequest<MapRequest, MapResponse> request;
  private final List<MapResponse> responses = new ArrayList<>();
  private GrpcStatus status;
  private String statusMessage;
  private Throwable failure;

  private MapFnCall(GrpcClientRequest<MapRequest, MapResponse> request) {
    this.request = request;
    request.response().onComplete(ar -> {
      if (ar.failed()) {
        finish(null, null, ar.cause());
        return;
      }
      GrpcClientResponse<MapRequest, MapResponse> response = ar.result();
      response.handler(this::received);
      response.exceptionHandler(e -> finish(null, null, e));
      response.endHandler(v -> finish(response.status(), statusMessage(response), null));
    });
  }

  /** Opens a call to the server at {@code address}. */
  public static MapFnCall open(GrpcClient client, SocketAddress address) throws Exception {
    return new MapFnCall(client.request(address, MapGrpcClient.MapFn).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Opens a call and completes the handshake. */
  public static MapFnCall handshaken(GrpcClient client, SocketAddress address) throws Exception {
    MapFnCall call = open(client, address);
    call.send(handshake());
    MapResponse answer = call.awaitResponses(1).get(0);
    if (!answer.getHandshake().getSot()) {
      throw new AssertionError("expected a handshake answer, got " + answer);
    }
    return call;
  }

  public static MapRequest handshake() {
    return MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build();
  }

  public static MapRequest endOfTransmission() {
    return MapRequest.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build();
  }

  /** An element request with this id, UTF-8 value and keys. */
  public static MapRequest element(String id, String value, String... keys) {
    return MapRequest.newBuilder()
        .setId(id)
        .setRequest(MapRequest.Request.newBuilder().setValue(ByteString.copyFromUtf8(value)).addAllKeys(List.of(keys)))
        .build();
  }

  public MapFnCall send(MapRequest message) {
    request.write(message);
    return this;
  }

  /** Half-closes the call: no more requests. */
  public void end() {
    request.end();
  }

  /** Waits until at least {@code n} responses (handshake included) have arrived; returns all so far. */
  public synchronized List<MapResponse> awaitResponses(int n) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (responses.size() < n) {
      if (failure != null || status != null) {
        throw new AssertionError("call ended after " + responses.size() + " of " + n + " responses: status="
            + status + " message=" + statusMessage + " failure=" + failure);
      }
      waitUntil(deadline, () -> responses.size() + " of " + n + " responses");
    }
    return List.copyOf(responses);
  }

  /** Waits for the call to end; returns its status. */
  public synchronized GrpcStatus awaitStatus() throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (status == null && failure == null) {
      waitUntil(deadline, () -> "the end of the call");
    }
    if (failure != null) {
      throw new AssertionError("call failed without a status", failure);
    }
    return status;
  }

  public synchronized String statusMessage() {
    return statusMessage;
  }

  /** The responses so far. */
  public synchronized List<MapResponse> responses() {
    return List.copyOf(responses);
  }

  /** Asks {@code IsReady} once. */
  public static boolean isReady(GrpcClient client, SocketAddress address) throws Exception {
    return MapGrpcClient.create(client, address).isReady(Empty.getDefaultInstance())
        .await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getReady();
  }

  /**
   * The status message, also when it came in trailers after messages: Vert.x 5.0.7's
   * {@code GrpcClientResponse.statusMessage()} reads {@code grpc-message} only from the headers.
   */
  private static String statusMessage(GrpcClientResponse<MapRequest, MapResponse> response) {
    String message = response.statusMessage();
    if (message != null) {
      return message;
    }
    String encoded = response.trailers().get("grpc-message");
    return encoded == null ? null : io.flowmesh.proto.grpc.GrpcStatusHeaders.percentDecode(encoded);
  }

  private synchronized void received(MapResponse response) {
    responses.add(response);
    notifyAll();
  }

  private synchronized void finish(GrpcStatus status, String message, Throwable failure) {
    if (this.status == null && this.failure == null) {
      this.status = status;
      this.statusMessage = message;
      this.failure = failure;
      notifyAll();
    }
  }

  private void waitUntil(long deadline, java.util.function.Supplier<String> what)
      throws InterruptedException, TimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException("timed out waiting for " + what.get());
    }
    TimeUnit.NANOSECONDS.timedWait(this, left);
  }
}
