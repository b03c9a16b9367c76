package io.flowmesh.runtime.edge;

import com.google.protobuf.ByteString;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/**
 * An edge message's repeated string field (keys, tags): an immutable list whose entries are held
 * either as Strings or as the UTF-8 bytes they arrived as (slices of the frame a message was parsed
 * from), decoded each time they are read as text. The edge's writers and the UDF request writer
 * take an entry as it is held ({@link #raw}), so a string that only passes through is never decoded
 * and encoded again.
 *
 * <p>Concurrency: immutable, safe to share.
 */
public final class Texts extends AbstractList<String> implements RandomAccess {

  /** The empty list. */
  public static final Texts EMPTY = new Texts(new Object[0], 0);

  /** Strings or ByteStrings; entries past {@code size} unused. */
  private final Object[] items;
  private final int size;

  private Texts(Object[] items, int size) {
    this.items = items;
    this.size = size;
  }

  /**
   * Over {@code items[0..size)}, each a String or the UTF-8 bytes of one (a ByteString, taken as it
   * is: not checked); the array is the list's from here on. {@code items} may be null when
   * {@code size} is 0.
   */
  public static Texts own(Object[] items, int size) {
    return size == 0 ? EMPTY : new Texts(items, size);
  }

  /** {@code strings} as a Texts: itself if it is one, else a copy (its entries must not be null). */
  public static Texts of(Collection<String> strings) {
    if (strings instanceof Texts t) {
      return t;
    }
    if (strings.isEmpty()) {
      return EMPTY;
    }
    Object[] a = strings.toArray();
    for (Object o : a) {
      if (o == null) {
        throw new NullPointerException("a null string in " + strings);
      }
    }
    return new Texts(a, a.length);
  }

  /**
   * This list with each entry held as bytes that pins a larger array (a slice of a frame) copied into
   * an array of its own ({@link EdgeMessage#detached}); itself when no entry needed a copy.
   */
  Texts detached(Backing probe) {
    Object[] copy = null;
    for (int i = 0; i < size; i++) {
      if (items[i] instanceof ByteString b && probe.pinsMore(b)) {
        if (copy == null) {
          copy = Arrays.copyOf(items, size);
        }
        copy[i] = Backing.copy(b);
      }
    }
    return copy == null ? this : new Texts(copy, size);
  }

  /** One string. */
  public static Texts of(String s) {
    if (s == null) {
      throw new NullPointerException("string");
    }
    return new Texts(new Object[] {s}, 1);
  }

  @Override
  public String get(int i) {
    Object o = items[check(i)];
    return o instanceof String s ? s : ((ByteString) o).toStringUtf8();
  }

  /** Entry {@code i} as held: a String, or its UTF-8 bytes (not checked). */
  public Object raw(int i) {
    return items[check(i)];
  }

  /** Entry {@code i} as UTF-8 bytes (encoded if it is held as a String). */
  public ByteString bytes(int i) {
    Object o = items[check(i)];
    return o instanceof ByteString b ? b : ByteString.copyFromUtf8((String) o);
  }

  /**
   * Whether an entry reads as {@code text}, without decoding an entry held as bytes when
   * {@code text} is ASCII (and without the iterator {@code List.contains} allocates).
   */
  @Override
  public boolean contains(Object text) {
    if (!(text instanceof String s)) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      Object o = items[i];
      if (o instanceof String t ? t.equals(s) : sameText((ByteString) o, s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code utf8} decodes to {@code s}: byte by byte when {@code s} is ASCII, else by decoding. */
  static boolean sameText(ByteString utf8, String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    if (!ascii) {
      return utf8.toStringUtf8().equals(s);
    }
    if (utf8.size() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (utf8.byteAt(i) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Adds each entry as held to {@code to}. */
  void addRawTo(List<Object> to) {
    for (int i = 0; i < size; i++) {
      to.add(items[i]);
    }
  }

  @Override
  public int size() {
    return size;
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("index " + i + " of " + size);
    }
    return i;
  }

  /** {@code List.equals} entry by entry, without the iterators it allocates; bytes against bytes without decoding. */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof List<?> other) || other.size() != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (other instanceof Texts t && items[i] instanceof ByteString a && t.items[i] instanceof ByteString b) {
        if (!a.equals(b)) {
          return false;
        }
      } else if (!get(i).equals(other.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < size; i++) {
      h = 31 * h + get(i).hashCode();
    }
    return h;
  }
}
