package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.auth.BearerToken;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.tls.TlsOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscribers that may not take messages off an edge — no token, a wrong token, a vertex the edge
 * does not serve, a certificate naming another vertex — are refused with a status saying what was
 * wrong, while a legitimate subscriber beside them receives and acks every message exactly once.
 */
class EdgeAuthTest extends TwoVertxEdgeTest {

  private static final int TOTAL = 20_000;
  private final String token = "edge-" + UUID.randomUUID();

  /** What the upstream sees: served and acked once each, nothing redelivered (no rogue ever held one). */
  private void assertLegitimateSubscriberGotEverythingOnce(EdgeServer server, Legit legit) {
    until(() -> legit.got.get() == TOTAL, 60_000, () -> "legitimate subscriber received " + legit.got.get() + " of " + TOTAL);
    until(() -> call(up, server::acked) == TOTAL, 30_000, () -> "acked " + call(up, server::acked));
    assertEquals(TOTAL, legit.distinct(), "distinct messages at the legitimate subscriber");
    assertEquals(0L, call(up, server::redelivered), "redelivered: a refused subscriber held messages");
    assertEquals(0, (int) call(up, server::unacked));
  }

  /** A subscriber that acks each message a millisecond after it arrives, so the run lasts while rogues try. */
  private final class Legit {
    final AtomicLong got = new AtomicLong();
    private final BitSet seen = new BitSet(TOTAL);

    Legit(EdgeSubscriber sub) {
      run(down, () -> sub.handler(d -> {
        got.incrementAndGet();
        synchronized (seen) {
          seen.set(Integer.parseInt(d.message().getId()));
        }
        downVertx.setTimer(1, id -> sub.ack(d));
      }).start());
    }

    int distinct() {
      synchronized (seen) {
        return seen.cardinality();
      }
    }
  }

  private double refused(String reason) {
    return upRegistry.get("flowmesh.edge.refused").tag("reason", reason).counter().count();
  }

  private RawSubscriber rogue(EdgeServer server, Map<String, String> metadata, String vertex, AtomicLong batches) {
    RawSubscriber raw = new RawSubscriber(downVertx, server.port(), metadata);
    raw.onBatch(b -> batches.addAndGet(b.getMessagesCount()));
    raw.hello("rogue", vertex, EdgeOptions.PROTOCOL_VERSION, 1_000_000);
    return raw;
  }

  @Test
  void noTokenAWrongTokenOrAnUnservedVertexIsRefusedWhileTheLegitimateSubscriberLosesNothing() {
    EdgeServer server = producingServer(EdgeOptions.defaults().withAuth(new EdgeAuth(token, Set.of("sink"))), 1000, TOTAL);
    EdgeSubscriber sub = subscriber(server, EdgeOptions.defaults().withAuth(EdgeAuth.NONE.withToken(token)).withInputCapacity(64), "legit");
    Legit legit = new Legit(sub);
    until(() -> legit.got.get() > 100, 10_000, () -> "the legitimate subscriber to start receiving");

    AtomicLong stolen = new AtomicLong();
    RawSubscriber noToken = rogue(server, Map.of(), "sink", stolen);
    RawSubscriber wrongToken = rogue(server, Map.of("authorization", BearerToken.header("not-" + token)), "sink", stolen);
    RawSubscriber wrongVertex = rogue(server, Map.of("authorization", BearerToken.header(token)), "rogue", stolen);
    for (RawSubscriber r : List.of(noToken, wrongToken, wrongVertex)) {
      until(() -> r.status.get() != null, 10_000, () -> "a refusal");
      assertFalse(r.statusMessage.get().contains(token), "the secret in a status message: " + r.statusMessage.get());
    }
    assertTrue(legit.got.get() < TOTAL, "the rogues came after the run ended; nothing was at stake");

    assertEquals(GrpcStatus.UNAUTHENTICATED, noToken.status.get());
    assertTrue(noToken.statusMessage.get().startsWith("no edge token: upstream vertex src requires 'authorization: Bearer <edge.token>'"),
        noToken.statusMessage.get());
    assertEquals(GrpcStatus.UNAUTHENTICATED, wrongToken.status.get());
    assertTrue(wrongToken.statusMessage.get().startsWith("wrong edge token"), wrongToken.statusMessage.get());
    assertEquals(GrpcStatus.PERMISSION_DENIED, wrongVertex.status.get());
    assertEquals("vertex 'rogue' may not subscribe to vertex src: it serves [sink] (src.edge.allowed-subscribers)",
        wrongVertex.statusMessage.get());

    assertLegitimateSubscriberGotEverythingOnce(server, legit);
    assertEquals(0, stolen.get(), "messages sent to refused subscribers");
    assertEquals(1.0, refused(SubscriberAuth.NO_TOKEN));
    assertEquals(1.0, refused(SubscriberAuth.WRONG_TOKEN));
    assertEquals(1.0, refused(SubscriberAuth.VERTEX_NOT_ALLOWED));
    assertEquals(1, (int) call(up, server::subscriberCount), "only the legitimate subscriber is left");
  }

  @Test
  void withMutualTlsACertificateNamingAnotherVertexIsRefusedWhileTheOneNamingItsVertexLosesNothing(@TempDir Path dir)
      throws IOException {
    SelfSignedCertificate serverCert = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate sinkCert = SelfSignedCertificate.create("sink");
    SelfSignedCertificate mapCert = SelfSignedCertificate.create("map");
    try {
      // Each certificate is self-signed, so the server's CA file holds both subscribers' certificates.
      Path ca = dir.resolve("ca.pem");
      Files.writeString(ca, Files.readString(Path.of(sinkCert.certificatePath())) + Files.readString(Path.of(mapCert.certificatePath())));
      TlsOptions serverTls = new TlsOptions(true, serverCert.certificatePath(), serverCert.privateKeyPath(), ca.toString(), true, true);
      EdgeServer server = producingServer(EdgeOptions.defaults().withTls(serverTls).withAuth(new EdgeAuth(token, Set.of("sink"))),
          1000, TOTAL);

      EdgeOptions client = EdgeOptions.defaults().withAuth(EdgeAuth.NONE.withToken(token)).withInputCapacity(64);
      EdgeSubscriber sub = subscriber("localhost", server, client.withTls(new TlsOptions(true, sinkCert.certificatePath(),
          sinkCert.privateKeyPath(), serverCert.certificatePath(), true, true)), "legit");
      Legit legit = new Legit(sub);
      until(() -> legit.got.get() > 100, 10_000, () -> "the legitimate subscriber to start receiving");

      // map's certificate, the right token, and a hello that says "sink".
      EdgeSubscriber impostor = call(down, () -> new EdgeSubscriber(downVertx, "sink", "impostor", new HostPort("localhost", server.port()),
          client.withTls(new TlsOptions(true, mapCert.certificatePath(), mapCert.privateKeyPath(), serverCert.certificatePath(), true, true)),
          new SimpleMeterRegistry()));
      AtomicLong stolen = new AtomicLong();
      run(down, () -> impostor.handler(d -> stolen.incrementAndGet()).start());
      until(() -> call(down, impostor::lastFailure) != null, 10_000, () -> "the impostor to be refused");
      EdgeException refusal = call(down, impostor::lastFailure);
      run(down, impostor::close);

      assertEquals(GrpcStatus.PERMISSION_DENIED, refusal.status());
      assertTrue(refusal.getMessage().contains("the client certificate names [") && refusal.getMessage().contains("CN=map")
          && refusal.getMessage().contains("not vertex 'sink' that the hello claims"), refusal.getMessage());
      assertLegitimateSubscriberGotEverythingOnce(server, legit);
      assertEquals(0, stolen.get(), "messages delivered to the impostor");
      assertTrue(refused(SubscriberAuth.CERTIFICATE_MISMATCH) >= 1.0);
    } finally {
      serverCert.delete();
      sinkCert.delete();
      mapCert.delete();
    }
  }

  @Test
  void anEdgeWithoutATokenServesOnlyTheVerticesItAllows() {
    EdgeServer server = producingServer(EdgeOptions.defaults().withAuth(EdgeAuth.NONE.withAllowedSubscribers(Set.of("map"))), 100, 10);
    RawSubscriber asSink = rogue(server, Map.of(), "sink", new AtomicLong());
    until(() -> asSink.status.get() != null, 10_000, () -> "a refusal");
    assertEquals(GrpcStatus.PERMISSION_DENIED, asSink.status.get());
    assertTrue(asSink.statusMessage.get().contains("vertex 'sink' may not subscribe"), asSink.statusMessage.get());

    AtomicLong got = new AtomicLong();
    RawSubscriber asMap = rogue(server, Map.of(), "map", got);
    until(() -> got.get() == 10, 10_000, () -> "map to receive the 10 messages, got " + got.get());
  }
}
