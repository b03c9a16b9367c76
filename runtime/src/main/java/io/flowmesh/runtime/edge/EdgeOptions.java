package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.tls.TlsOptions;
import java.time.Duration;

/**
 * Tuning of both ends of an edge. Every field has a config key under {@code edge.*}.
 *
 * @param maxBatch most messages in one Batch frame
 * @param maxFrameBytes largest gRPC message either side accepts (the gRPC max message size)
 * @param maxMessageBytes largest single message value; larger ones are refused
 * @param heartbeatInterval how often an idle upstream sends its watermark
 * @param nackBackoff how long a nacked message waits before it is queued again
 * @param ackDelay downstream: the longest acks are held to go out in fewer frames (zero: at the end of each
 *     event-loop turn; see {@link EdgeSubscriber})
 * @param maxUnackedSpan per edge, the most sequence numbers between the oldest unacked message and the next one sent
 * @param inputCapacity downstream input buffer, in messages: credit granted is the free room
 * @param inputBytes downstream input buffer, in payload bytes: no credit is granted while it is full
 * @param maxUnacked downstream: messages handed to the vertex and not yet acked, beyond which no credit is granted
 * @param reconnectInitial first reconnect delay
 * @param reconnectMax cap of the reconnect delay
 * @param flowControlWindow HTTP/2 stream window a downstream grants its upstream, in bytes (the connection window is
 *     four times it); an upstream grants its subscribers a small fixed window, as they send only small frames
 * @param peerTimeout how long an HTTP/2 PING to an edge peer may go unanswered before its connection is closed
 *     ({@link PeerWatch}); zero: never
 * @param tls TLS of the edges this process serves and dials
 * @param auth the token a subscriber presents and an upstream requires, and the vertices an upstream serves
 */
public record EdgeOptions(
    int maxBatch,
    int maxFrameBytes,
    int maxMessageBytes,
    Duration heartbeatInterval,
    Duration nackBackoff,
    Duration ackDelay,
    int maxUnackedSpan,
    int inputCapacity,
    long inputBytes,
    int maxUnacked,
    Duration reconnectInitial,
    Duration reconnectMax,
    int flowControlWindow,
    Duration peerTimeout,
    TlsOptions tls,
    EdgeAuth auth) {

  /** The edge protocol version this code speaks. */
  public static final int PROTOCOL_VERSION = 1;

  /** Defaults, the same as the {@code edge.*} config keys'. */
  public static EdgeOptions defaults() {
    return new EdgeOptions(256, 16 << 20, 4 << 20, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(1),
        1 << 20, 8192, 64L << 20, 65536, Duration.ofMillis(100), Duration.ofSeconds(5), 4 << 20, Duration.ofSeconds(20), TlsOptions.OFF,
        EdgeAuth.NONE);
  }

  public EdgeOptions {
    if (maxBatch < 1 || maxFrameBytes < 1024 || maxMessageBytes < 1 || maxMessageBytes > maxFrameBytes - 1024
        || ackDelay == null || ackDelay.isNegative() || (!ackDelay.isZero() && ackDelay.toMillis() < 1)
        || maxUnackedSpan < 1 || inputCapacity < 1 || inputBytes < 1 || maxUnacked < 1 || flowControlWindow < 65535
        || peerTimeout == null || peerTimeout.isNegative()
        || tls == null || auth == null) {
      throw new IllegalArgumentException("invalid edge options: " + this);
    }
  }

  public EdgeOptions withInputCapacity(int n) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        n, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withInputBytes(long n) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, n, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withMaxUnacked(int n) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, n, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withMaxBatch(int n) {
    return new EdgeOptions(n, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withMaxMessageBytes(int n) {
    return new EdgeOptions(maxBatch, maxFrameBytes, n, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  /** With frames of at most {@code frameBytes} and messages of at most {@code messageBytes} (as it must be 1 KiB less). */
  public EdgeOptions withMaxFrameBytes(int frameBytes, int messageBytes) {
    return new EdgeOptions(maxBatch, frameBytes, messageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withHeartbeatInterval(Duration d) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, d, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withAckDelay(Duration d) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, d, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, auth);
  }

  public EdgeOptions withPeerTimeout(Duration d) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, d, tls, auth);
  }

  public EdgeOptions withTls(TlsOptions t) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, t, auth);
  }

  public EdgeOptions withAuth(EdgeAuth a) {
    return new EdgeOptions(maxBatch, maxFrameBytes, maxMessageBytes, heartbeatInterval, nackBackoff, ackDelay, maxUnackedSpan,
        inputCapacity, inputBytes, maxUnacked, reconnectInitial, reconnectMax, flowControlWindow, peerTimeout, tls, a);
  }

  /**
   * A message's encoded size in a batch: its own (computed once per message and kept, and needed
   * anyway to write it) and at most 6 bytes of field tag and length. Neither decodes nor encodes a
   * string that a message holds in the other form.
   */
  static int estimatedSize(io.flowmesh.runtime.edge.EdgeMessage m) {
    return m.getSerializedSize() + 6;
  }
}
