package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.proto.grpc.GrpcStatusHeaders;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.Test;

/**
 * The edge server serves {@code Subscribe} on raw HTTP/2 ({@link EdgeCall}); whatever else reaches
 * its port is refused the way a gRPC server would, naming what is served.
 */
class EdgeCallRoutingTest extends TwoVertxEdgeTest {

  private record Answer(int httpStatus, String contentType, String grpcStatus, String grpcMessage, String body) {
  }

  private Answer send(int port, HttpVersion version, HttpMethod method, String path, String contentType) {
    HttpClient client = downVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
        .setHttp2ClearTextUpgrade(false));
    try {
      Future<Answer> answer = call(down, () -> client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1")
          .setPort(port).setURI(path)).compose(req -> {
            if (contentType != null) {
              req.putHeader("content-type", contentType);
            }
            return req.send(Buffer.buffer());
          }).compose(resp -> resp.body().map(body -> answer(resp, body))));
      return OnLoop.await(answer, 10_000);
    } finally {
      client.close();
    }
  }

  private static Answer answer(HttpClientResponse resp, Buffer body) {
    return new Answer(resp.statusCode(), resp.getHeader("content-type"), GrpcStatusHeaders.status(resp.headers(), resp.trailers()),
        GrpcStatusHeaders.message(resp.headers(), resp.trailers()), body.toString());
  }

  @Test
  void anotherGrpcMethodIsAnsweredUnimplementedNamingTheMethodAndWhatIsServed() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 10, 0);
    Answer a = send(server.port(), HttpVersion.HTTP_2, HttpMethod.POST, "/flowmesh.edge.v1.Edge/Publish", "application/grpc");
    assertEquals(200, a.httpStatus(), a.toString());
    assertEquals("application/grpc", a.contentType(), "a trailers-only answer is still gRPC: " + a);
    assertEquals(Integer.toString(GrpcStatus.UNIMPLEMENTED.code), a.grpcStatus(), a.toString());
    assertTrue(a.grpcMessage().contains("no method /flowmesh.edge.v1.Edge/Publish on the edge server of vertex src")
        && a.grpcMessage().contains(EdgeCall.PATH), a.grpcMessage());
  }

  @Test
  void aPlainHttpRequestIsRefusedWith415SayingTheServerSpeaksGrpc() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 10, 0);
    Answer a = send(server.port(), HttpVersion.HTTP_1_1, HttpMethod.GET, "/", null);
    assertEquals(415, a.httpStatus(), a.toString());
    assertTrue(a.body().contains("the edge server of vertex src speaks gRPC"), a.body());
  }

  @Test
  void grpcWebOrJsonOnTheSubscribePathIsRefusedWith415() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 10, 0);
    for (String type : new String[] {"application/grpc-web", "application/grpc-web-text", "application/grpc+json", "text/plain"}) {
      Answer a = send(server.port(), HttpVersion.HTTP_2, HttpMethod.POST, EdgeCall.PATH, type);
      assertEquals(415, a.httpStatus(), type + ": " + a);
    }
    for (String type : new String[] {"application/grpc", "application/grpc+proto", "application/GRPC; charset=utf-8"}) {
      assertTrue(EdgeCall.isGrpcProto(type), type);
    }
  }
}
