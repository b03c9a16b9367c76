package io.flowmesh.runtime.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.tls.TlsOptions;
import org.junit.jupiter.api.Test;

/** How a failure to reach a plain-text UDF is explained, from the exceptions Netty and Vert.x give. */
class TlsMismatchTest {

  private static final UdfAddress ADDRESS = UdfAddress.parse("tcp://127.0.0.1:50051");

  private static String explained(Throwable failure) {
    return TlsMismatch.explain(ADDRESS, TlsOptions.OFF, "udf.tls", failure).getMessage();
  }

  @Test
  void anHttp1ServerOnThePortIsNamedAsNotSpeakingHttp2() {
    String m = explained(new IllegalStateException(
        "First received frame was not SETTINGS. Hex dump for first 5 bytes: 485454502f"));
    assertTrue(m.startsWith("UDF at tcp://127.0.0.1:50051: it does not speak HTTP/2, as gRPC does: its first bytes were 'HTTP/'"
        + " (an HTTP/1 server): is another kind of server on that port?"), m);
  }

  @Test
  void unprintableFirstBytesAreNotQuoted() {
    String m = explained(new IllegalStateException("First received frame was not SETTINGS. Hex dump for first 5 bytes: 51120c29c7"));
    assertTrue(m.startsWith("UDF at tcp://127.0.0.1:50051: it does not speak HTTP/2, as gRPC does: is another kind"), m);
  }

  @Test
  void aClosedStreamOfAConnectionThatSpokeHttp2IsNotCalledATlsProblem() {
    IllegalStateException closed = new IllegalStateException("Stream was closed");
    assertSame(closed, TlsMismatch.explain(ADDRESS, TlsOptions.OFF, "udf.tls", closed));
  }

  @Test
  void aConnectionClosedBeforeHttp2StillSuggestsTls() {
    String m = explained(new IllegalStateException("Connection was closed"));
    assertEquals("UDF at tcp://127.0.0.1:50051: it closed the connection without speaking HTTP/2: if it serves TLS, set"
        + " udf.tls.enabled=true (and udf.tls.ca) [IllegalStateException: Connection was closed]", m);
  }
}
