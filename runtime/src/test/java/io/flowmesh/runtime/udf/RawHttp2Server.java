package io.flowmesh.runtime.udf;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare HTTP/2 server (cleartext, prior knowledge) for one connection, whose frames the test
 * writes itself: it can send what a real server would not, in one TCP write, and then reset the
 * connection. It answers the client's SETTINGS and reports each stream the client opens and each
 * request it ends; everything else the client sends is read and ignored.
 */
final class RawHttp2Server implements AutoCloseable {

  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int SETTINGS = 4;
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;
  private static final int PREFACE_LENGTH = 24;

  private final ServerSocket listener;
  private final BlockingQueue<Integer> opened = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile Socket socket;

  RawHttp2Server() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    reader = new Thread(this::serve, "raw-http2-server");
    reader.setDaemon(true);
    reader.start();
  }

  String address() {
    return "tcp://127.0.0.1:" + listener.getLocalPort();
  }

  /** The id of the next stream the client opened (its HEADERS came), waiting up to {@code seconds}; null if none. */
  Integer nextStream(long seconds) throws InterruptedException {
    return opened.poll(seconds, TimeUnit.SECONDS);
  }

  /** The id of the next stream whose request the client ended, waiting up to {@code seconds}; null if none. */
  Integer nextRequest(long seconds) throws InterruptedException {
    return ended.poll(seconds, TimeUnit.SECONDS);
  }

  /** Writes {@code frames} in one write. */
  synchronized void send(byte[]... frames) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      all.write(f);
    }
    OutputStream out = socket.getOutputStream();
    out.write(all.toByteArray());
    out.flush();
  }

  /** Closes the connection with a TCP RST (SO_LINGER 0): the client's next write fails. */
  synchronized void resetConnection() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    Socket s = socket;
    if (s != null) {
      s.close();
    }
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve() {
    try (Socket s = listener.accept()) {
      socket = s;
      send(frame(SETTINGS, 0, 0, new byte[0]));
      DataInputStream in = new DataInputStream(s.getInputStream());
      in.readFully(new byte[PREFACE_LENGTH]);
      byte[] head = new byte[9];
      while (true) {
        in.readFully(head);
        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
        int type = head[3] & 0xff;
        int flags = head[4] & 0xff;
        int streamId = ((head[5] & 0x7f) << 24) | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | (head[8] & 0xff);
        in.readFully(new byte[length]);
        if (type == SETTINGS && (flags & ACK) == 0) {
          send(frame(SETTINGS, ACK, 0, new byte[0]));
        }
        if (type == HEADERS) {
          opened.add(streamId);
        }
        if ((type == HEADERS || type == DATA) && (flags & END_STREAM) != 0) {
          ended.add(streamId);
        }
      }
    } catch (IOException end) {
      // the connection or the listener was closed
    }
  }

  static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (streamId >>> 24);
    f[6] = (byte) (streamId >>> 16);
    f[7] = (byte) (streamId >>> 8);
    f[8] = (byte) streamId;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  /**
   * A HEADERS frame of {@code namesAndValues} (lower-case names, each name and value under 127
   * bytes), each as an HPACK literal without indexing and without Huffman coding.
   */
  static byte[] headers(int streamId, boolean endStream, String... namesAndValues) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      block.write(0);
      literal(block, namesAndValues[i]);
      literal(block, namesAndValues[i + 1]);
    }
    return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block.toByteArray());
  }

  private static void literal(ByteArrayOutputStream block, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    if (b.length >= 127) {
      throw new IllegalArgumentException("too long for this encoder: " + s);
    }
    block.write(b.length);
    block.writeBytes(b);
  }
}
