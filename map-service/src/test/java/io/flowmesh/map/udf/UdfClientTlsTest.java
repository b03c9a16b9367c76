package io.flowmesh.map.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.tls.TlsOptions;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.flowmesh.udf.UdfTls;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The UDF client against the example UDF server over real TLS: it works when both sides agree,
 * and each way they can disagree fails with a message naming the key to change.
 */
class UdfClientTlsTest {

  private final Vertx vertx = Vertx.vertx();
  private final SelfSignedCertificate udfCert = SelfSignedCertificate.create("localhost");
  private ClientHarness harness;
  private UdfServer server;

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (server != null) {
      OnLoop.await(server.stop(), 10_000);
    }
    OnLoop.await(vertx.close(), 20_000);
    udfCert.delete();
  }

  private int serve(boolean tls) {
    UdfServerOptions options = UdfServerOptions.of("tcp://127.0.0.1:0");
    if (tls) {
      options = options.withTls(new UdfTls(Path.of(udfCert.certificatePath()), Path.of(udfCert.privateKeyPath()), null));
    }
    server = UdfServer.create(vertx, options).handler(new Uppercase());
    return ((io.flowmesh.udf.UdfAddress.Tcp) OnLoop.await(server.start(), 10_000)).port();
  }

  private ClientHarness client(int port, TlsOptions tls) {
    harness = new ClientHarness(vertx, TestConfigs.fast("tcp://localhost:" + port).timeout(Duration.ofSeconds(5)).tls(tls).build());
    return harness;
  }

  private static TlsOptions trusting(String ca) {
    return new TlsOptions(true, null, null, ca, false, true);
  }

  private String isReadyFailure(ClientHarness h) {
    Exception e = assertThrows(Exception.class, () -> h.await(() -> h.client.isReady(), Duration.ofSeconds(10)));
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  @Test
  void overTlsTheClientReachesTheUdfAndGetsAnswers() throws Exception {
    ClientHarness h = client(serve(true), trusting(udfCert.certificatePath()));
    h.start();
    assertEquals(true, h.await(() -> h.client.isReady(), Duration.ofSeconds(10)));
  }

  @Test
  void aPlainTextClientAgainstATlsUdfFailsSayingToTurnOnUdfTls() {
    int port = serve(true);
    String message = isReadyFailure(client(port, TlsOptions.OFF));
    assertTrue(message.contains("UDF at tcp://localhost:" + port) && message.contains("udf.tls.enabled=true"), message);
  }

  @Test
  void aTlsClientAgainstAPlainTextUdfFailsSayingTheUdfDoesNotServeTls() {
    int port = serve(false);
    String message = isReadyFailure(client(port, trusting(udfCert.certificatePath())));
    assertTrue(message.contains("does not seem to serve TLS") && message.contains("udf.tls.enabled"), message);
  }
}
