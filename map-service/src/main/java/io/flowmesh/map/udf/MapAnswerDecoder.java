package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.runtime.edge.Texts;
import io.flowmesh.runtime.udf.UdfResponses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@code MapResponse} from a received gRPC message into a {@link MapAnswer}, walking the
 * wire format by hand: no generated message, builder, reader or id string per answer, the value a
 * slice of the message's array. The generated parser allocates ~540 bytes for a one-result answer
 * (a reader, two builders, two messages, their lists and the id's text), this ~110 (192 with one
 * key: its slice of the array and its list; {@code alloc-breakdown}).
 *
 * <p>The hand path takes what well-behaved servers send: fields 1–4 of {@code MapResponse}, 1–3 of
 * {@code Result} and 1 of {@code Handshake} and {@code TransmissionStatus}, each with its declared
 * wire type; ids in decimal as we issue them; ASCII keys and tags. Anything else — an unknown
 * field, a non-ASCII key, a foreign id, a message cut short — is read again by the generated parser
 * and converted, so the answer, and the error for a malformed one, is exactly protobuf's.
 *
 * <h2>Concurrency</h2>
 * Stateless.
 */
public final class MapAnswerDecoder {

  private static final int RESULTS = tag(MapResponse.RESULTS_FIELD_NUMBER);
  private static final int ID = tag(MapResponse.ID_FIELD_NUMBER);
  private static final int HANDSHAKE = tag(MapResponse.HANDSHAKE_FIELD_NUMBER);
  private static final int STATUS = tag(MapResponse.STATUS_FIELD_NUMBER);
  private static final int KEYS = tag(MapResponse.Result.KEYS_FIELD_NUMBER);
  private static final int VALUE = tag(MapResponse.Result.VALUE_FIELD_NUMBER);
  private static final int TAGS = tag(MapResponse.Result.TAGS_FIELD_NUMBER);
  /** {@code sot = 1} and {@code eot = 1}: a varint. */
  private static final int FLAG = 1 << 3;
  /** What {@link #field} returns when the bytes are not a whole length-delimited field. */
  private static final long BAD = -1L;

  private MapAnswerDecoder() {
  }

  /**
   * The answer in {@code array[offset, offset + length)}, a whole gRPC message, its values slices
   * of the array (which nobody may write again).
   */
  public static MapAnswer decode(byte[] array, int offset, int length) throws InvalidProtocolBufferException {
    MapAnswer a = read(array, offset, length);
    return a != null ? a : MapAnswer.of(UdfResponses.parse(MapResponse.parser(), array, offset, length));
  }

  /**
   * The answer in {@code a[from, from + length)}, values slices of {@code a}; null where the hand
   * path does not go (see the class comment), for the generated parser to read.
   */
  static MapAnswer read(byte[] a, int from, int length) {
    int pos = from;
    int end = from + length;
    long id = MapAnswer.NO_ID;
    UdfResult first = null;
    ArrayList<UdfResult> more = null;
    boolean hasHandshake = false;
    boolean sot = false;
    boolean hasStatus = false;
    boolean eot = false;
    while (pos < end) {
      int tag = a[pos++];
      long field = field(a, pos, end);
      if (field == BAD) {
        return null;
      }
      int len = (int) (field >>> 32);
      pos = (int) field;
      int stop = pos + len;
      if (tag == RESULTS) {
        UdfResult r = result(a, pos, stop);
        if (r == null) {
          return null;
        }
        if (first == null) {
          first = r;
        } else {
          if (more == null) {
            more = new ArrayList<>(4);
            more.add(first);
          }
          more.add(r);
        }
      } else if (tag == ID) {
        id = len == 0 ? MapAnswer.NO_ID : InFlight.number(a, pos, stop);
        if (id == MapAnswer.FOREIGN_ID) {
          return null;
        }
      } else if (tag == HANDSHAKE) {
        int flag = flag(a, pos, stop, sot);
        if (flag < 0) {
          return null;
        }
        hasHandshake = true;
        sot = flag == 1;
      } else if (tag == STATUS) {
        int flag = flag(a, pos, stop, eot);
        if (flag < 0) {
          return null;
        }
        hasStatus = true;
        eot = flag == 1;
      } else {
        return null;
      }
      pos = stop;
    }
    List<UdfResult> results = more != null ? more : first != null ? List.of(first) : List.of();
    return new MapAnswer(id, null, results, hasHandshake, sot, hasStatus, eot);
  }

  /**
   * A {@code Result} in {@code a[pos, end)}, or null. Its keys and tags are slices of {@code a}
   * (checked ASCII, so UTF-8) held as {@link Texts}: an output message writes them on as they are,
   * and keeps nothing alive that its value, a slice of the same array, does not. A result without a
   * value has its keys and tags copied out instead, so as not to keep the array for them alone.
   */
  private static UdfResult result(byte[] a, int pos, int end) {
    Object[] keys = null;
    int keyCount = 0;
    Object[] tags = null;
    int tagCount = 0;
    ByteString value = ByteString.EMPTY;
    while (pos < end) {
      int tag = a[pos++];
      long field = field(a, pos, end);
      if (field == BAD) {
        return null;
      }
      int len = (int) (field >>> 32);
      pos = (int) field;
      if (tag == VALUE) {
        value = len == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(a, pos, len);
      } else if (tag == KEYS || tag == TAGS) {
        if (!ascii(a, pos, len)) {
          return null;
        }
        ByteString s = len == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(a, pos, len);
        if (tag == KEYS) {
          keys = grow(keys, keyCount);
          keys[keyCount++] = s;
        } else {
          tags = grow(tags, tagCount);
          tags[tagCount++] = s;
        }
      } else {
        return null;
      }
      pos += len;
    }
    if (value.isEmpty()) {
      own(keys, keyCount);
      own(tags, tagCount);
    }
    return new UdfResult(Texts.own(keys, keyCount), value, Texts.own(tags, tagCount));
  }

  /** Replaces each slice in {@code slices[0..n)} by a copy of its bytes. */
  private static void own(Object[] slices, int n) {
    for (int i = 0; i < n; i++) {
      slices[i] = ByteString.copyFrom(((ByteString) slices[i]).toByteArray());
    }
  }

  private static Object[] grow(Object[] a, int used) {
    if (a == null) {
      return new Object[1];
    }
    return used < a.length ? a : Arrays.copyOf(a, used * 2);
  }

  /**
   * A {@code Handshake} or {@code TransmissionStatus} in {@code a[pos, end)}: 1 or 0 for its flag
   * ({@code was} when the field is absent: a message given twice merges), -1 for anything else.
   */
  private static int flag(byte[] a, int pos, int end, boolean was) {
    int flag = was ? 1 : 0;
    while (pos < end) {
      if (a[pos++] != FLAG || pos >= end) {
        return -1;
      }
      byte b = a[pos++];
      if (b < 0) {
        return -1; // a bool written in more than one byte: legal, rare, left to the parser
      }
      flag = b == 0 ? 0 : 1;
    }
    return flag;
  }

  /** Whether {@code a[pos, pos + len)} is ASCII (other bytes, whose UTF-8 the parser checks, go to the generated parser). */
  private static boolean ascii(byte[] a, int pos, int len) {
    for (int i = pos, end = pos + len; i < end; i++) {
      if (a[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The length-delimited field whose length (a varint) is at {@code a[pos]}: its length in the
   * high half, where its bytes start in the low half; {@link #BAD} for a varint cut short or too
   * large, or bytes that run past {@code end}.
   */
  private static long field(byte[] a, int pos, int end) {
    int length = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      if (pos >= end) {
        return BAD;
      }
      byte b = a[pos++];
      length |= (b & 0x7f) << shift;
      if (b >= 0) {
        return length < 0 || length > end - pos ? BAD : ((long) length << 32) | pos;
      }
    }
    return BAD;
  }

  private static int tag(int field) {
    return (field << 3) | 2;
  }
}
