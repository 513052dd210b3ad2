package io.gatun.fwd;

/**
 * An enum of {@code gatunfwd.h} mirrored in Java: each constant carries the C enum's number, which
 * the control channel's enums share (so a number read off the wire is the number C takes).
 */
public interface NativeCode {
  /** The C enum's number. */
  int code();

  /** The constant of {@code type} with this number; throws naming the number when none has it. */
  static <E extends Enum<E> & NativeCode> E of(Class<E> type, int code) {
    for (E e : type.getEnumConstants()) {
      if (e.code() == code) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown " + type.getSimpleName() + " number " + code + " (known: " + known(type) + ")");
  }

  private static <E extends Enum<E> & NativeCode> String known(Class<E> type) {
    var names = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      names.append(names.isEmpty() ? "" : ", ").append(e.name()).append(' ').append(e.code());
    }
    return names.toString();
  }
}
