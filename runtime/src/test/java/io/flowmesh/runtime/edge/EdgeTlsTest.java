package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.tls.TlsOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Edges over TLS and mutual TLS, with certificates generated for the test (each self-signed, so its own CA). */
class EdgeTlsTest extends TwoVertxEdgeTest {

  // One set for the class: each takes an RSA key generation, seconds of CPU on a busy machine.
  private static SelfSignedCertificate serverCert;
  /** Names the vertex its subscriber says hello as ("sink"), as mutual TLS requires. */
  private static SelfSignedCertificate clientCert;
  private static SelfSignedCertificate strangerCert;

  @BeforeAll
  static void createCertificates() {
    serverCert = SelfSignedCertificate.create("localhost");
    clientCert = SelfSignedCertificate.create("sink");
    strangerCert = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void deleteCertificates() {
    serverCert.delete();
    clientCert.delete();
    strangerCert.delete();
  }

  private EdgeServer server(TlsOptions tls, long total) {
    return producingServer(EdgeOptions.defaults().withTls(tls), 1000, total);
  }

  /** Subscribes via "localhost" (the name in the server's certificate); returns the count of messages received. */
  private AtomicLong subscribe(EdgeServer server, TlsOptions tls, List<EdgeSubscriber> out) {
    AtomicLong got = new AtomicLong();
    EdgeSubscriber sub = subscriber("localhost", server, EdgeOptions.defaults().withTls(tls), "s");
    run(down, () -> sub.handler(d -> {
      got.incrementAndGet();
      sub.ack(d);
    }).start());
    out.add(sub);
    return got;
  }

  private TlsOptions serverTls(boolean mutual) {
    return new TlsOptions(true, serverCert.certificatePath(), serverCert.privateKeyPath(),
        mutual ? clientCert.certificatePath() : null, mutual, true);
  }

  @Test
  void messagesFlowOverTlsWhenTheSubscriberTrustsTheServersCa() {
    EdgeServer server = server(serverTls(false), 10_000);
    AtomicLong got = subscribe(server, new TlsOptions(true, null, null, serverCert.certificatePath(), false, true),
        new java.util.ArrayList<>());
    until(() -> got.get() == 10_000, 30_000, () -> "received " + got.get());
    // Acks travel back in batches after delivery, so the server's count catches up a little later.
    until(() -> call(up, server::acked) == 10_000, 30_000, () -> "acked " + call(up, server::acked));
  }

  @Test
  void aSubscriberThatDoesNotTrustTheServersCertificateIsNeverConnected() throws InterruptedException {
    EdgeServer server = server(serverTls(false), 100);
    List<EdgeSubscriber> subs = new java.util.ArrayList<>();
    AtomicLong got = subscribe(server, new TlsOptions(true, null, null, strangerCert.certificatePath(), false, true), subs);
    // A failed handshake is what makes it redial: wait for one rather than for a fixed time.
    until(() -> call(down, () -> subs.get(0).reconnects()) > 0, 20_000, () -> "the subscriber to redial after the handshake failed");
    assertEquals(0, got.get());
    assertEquals(0, (int) call(up, server::subscriberCount));
  }

  @Test
  void aPlainTextSubscriberCannotTalkToATlsEdge() throws InterruptedException {
    EdgeServer server = server(serverTls(false), 100);
    AtomicLong got = subscribe(server, TlsOptions.OFF, new java.util.ArrayList<>());
    Thread.sleep(1000);
    assertEquals(0, got.get());
    assertEquals(0, (int) call(up, server::subscriberCount));
  }

  @Test
  void withMutualTlsOnlyASubscriberPresentingACertificateSignedByTheCaIsServed() throws InterruptedException {
    EdgeServer server = server(serverTls(true), 5_000);
    AtomicLong anonymous = subscribe(server, new TlsOptions(true, null, null, serverCert.certificatePath(), false, true),
        new java.util.ArrayList<>());
    AtomicLong impostor = subscribe(server, new TlsOptions(true, strangerCert.certificatePath(), strangerCert.privateKeyPath(),
        serverCert.certificatePath(), true, true), new java.util.ArrayList<>());
    AtomicLong trusted = subscribe(server, new TlsOptions(true, clientCert.certificatePath(), clientCert.privateKeyPath(),
        serverCert.certificatePath(), true, true), new java.util.ArrayList<>());
    until(() -> trusted.get() == 5_000, 30_000, () -> "trusted subscriber received " + trusted.get());
    assertEquals(0, anonymous.get(), "a subscriber without a client certificate was served");
    assertEquals(0, impostor.get(), "a subscriber with a certificate from another CA was served");
  }

  @Test
  void configurationProblemsNameTheTlsKeys() {
    List<String> p = new TlsOptions(true, null, null, null, true, true).problems("tls", true);
    assertTrue(p.stream().anyMatch(s -> s.startsWith("tls.cert and tls.key: both are required")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("tls.ca: required when tls.mutual=true")), p.toString());
    List<String> missing = new TlsOptions(true, "/nope/cert.pem", "/nope/key.pem", null, false, true).problems("udf.tls", false);
    assertTrue(missing.contains("udf.tls.cert='/nope/cert.pem': no readable file there"), missing.toString());
    assertTrue(TlsOptions.OFF.problems("tls", true).isEmpty());
  }
}
