package io.gatun.fwd;

/** A libgatunfwd call failed; carries the function, the error kind and the library's sentence. */
public final class DataPlaneException extends RuntimeException {
  private final String function;
  private final NativeError error;
  private final int returnCode;

  DataPlaneException(String function, int returnCode, String message) {
    super(
        function + ": " + message + " (" + NativeError.of(returnCode) + ", rc " + returnCode + ")");
    this.function = function;
    this.error = NativeError.of(returnCode);
    this.returnCode = returnCode;
  }

  public String function() {
    return function;
  }

  public NativeError error() {
    return error;
  }

  public int returnCode() {
    return returnCode;
  }
}
