package io.flowmesh.map;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.examples.Uppercase;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.runtime.testing.PortFinder;
import io.flowmesh.runtime.testing.TestSink;
import io.flowmesh.runtime.testing.TestSource;
import io.flowmesh.udf.UdfServer;
import io.flowmesh.udf.UdfServerOptions;
import io.flowmesh.udf.UdfTls;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** map-service talking to its UDF over TLS and mutual TLS (certificates generated for the test). */
class MapUdfTlsTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private final Vertx udfVertx = Vertx.vertx();
  // One set for the class: each takes an RSA key generation, seconds of CPU on a busy machine.
  private static SelfSignedCertificate udfCert;
  private static SelfSignedCertificate mapCert;
  private static SelfSignedCertificate stranger;

  @BeforeAll
  static void createCertificates() {
    udfCert = SelfSignedCertificate.create("localhost");
    mapCert = SelfSignedCertificate.create("flowmesh-map");
    stranger = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void deleteCertificates() {
    udfCert.delete();
    mapCert.delete();
    stranger.delete();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    OnLoop.await(udfVertx.close(), 20_000);
  }

  private int udf(Path clientCa) {
    UdfServer server = UdfServer.create(udfVertx, UdfServerOptions.of("tcp://127.0.0.1:0")
        .withTls(new UdfTls(Path.of(udfCert.certificatePath()), Path.of(udfCert.privateKeyPath()), clientCa)))
        .handler(new Uppercase());
    open.add(() -> OnLoop.await(server.stop(), 10_000));
    return ((io.flowmesh.udf.UdfAddress.Tcp) OnLoop.await(server.start(), 10_000)).port();
  }

  private Launched map(int sourcePort, int edgePort, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--map.upstream=127.0.0.1:" + sourcePort, "--map.edge.port=" + edgePort,
        "--map.http.port=0", "--map.instances=1", "--vertx.event-loops=2"));
    args.addAll(List.of(extra));
    Launched l = new MapMain().launch(args.toArray(String[]::new), Map.of());
    open.add(() -> OnLoop.await(l.stop(Duration.ofSeconds(5)), 20_000));
    return l;
  }

  @Test
  void elementsFlowWhenMapServiceTrustsTheUdfsCertificate() throws Exception {
    int port = udf(null);
    TestSource source = new TestSource(2000, i -> com.google.protobuf.ByteString.copyFromUtf8("v" + i), 0);
    open.add(source);
    int edge = PortFinder.freePort();
    map(source.port(), edge, "--udf.address=tcp://localhost:" + port, "--udf.tls.enabled=true",
        "--udf.tls.ca=" + udfCert.certificatePath());
    TestSink sink = new TestSink(edge, false);
    open.add(sink);
    until(() -> source.ackCount.get() == 2000, 30_000, () -> "acked " + source.ackCount.get());
    assertEquals("V7", sink.byId.get("m7/0").getValue().toStringUtf8());
  }

  @Test
  void withMutualTlsTheUdfServesMapServicePresentingItsCertificate() throws Exception {
    int port = udf(Path.of(mapCert.certificatePath()));
    TestSource source = TestSource.counting(1000, 0);
    open.add(source);
    int edge = PortFinder.freePort();
    map(source.port(), edge, "--udf.address=tcp://localhost:" + port, "--udf.tls.enabled=true",
        "--udf.tls.ca=" + udfCert.certificatePath(), "--udf.tls.cert=" + mapCert.certificatePath(),
        "--udf.tls.key=" + mapCert.privateKeyPath());
    open.add(new TestSink(edge, false));
    until(() -> source.ackCount.get() == 1000, 30_000, () -> "acked " + source.ackCount.get());
  }

  @Test
  void aUdfWhoseCertificateIsNotTrustedLeavesMapServiceNotReadyAndTakesNothing() throws Exception {
    int port = udf(null);
    TestSource source = TestSource.counting(100, 0);
    open.add(source);
    Launched l = map(source.port(), PortFinder.freePort(), "--udf.address=tcp://localhost:" + port, "--udf.tls.enabled=true",
        "--udf.tls.ca=" + stranger.certificatePath(), "--udf.timeout=1s");
    String[] reason = {""};
    until(() -> {
      Readiness r = OnLoop.await(l.vertex().readiness(), 10_000);
      reason[0] = r.reason();
      return !r.ready() && r.reason().contains("UDF");
    }, 20_000, () -> "readiness: " + reason[0]);
    assertEquals(0, source.ackCount.get());
  }
}
