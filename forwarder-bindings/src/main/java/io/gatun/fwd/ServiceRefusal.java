package io.gatun.fwd;

import java.util.Objects;

/**
 * A service {@link DataPlane#commit} did not run, while every other one of the commit runs.
 *
 * @param index its position in the list given to {@code commit}
 * @param service the service as given
 * @param error what kind of problem: {@link NativeError#INVALID_ARGUMENT} (the service or a backend
 *     is invalid), {@link NativeError#HOST_UNREACHABLE} (no route to a backend), {@link
 *     NativeError#NO_SPACE} (a limit)
 * @param reason the data plane's sentence: names the service by VIP, port and protocol, says what
 *     is wrong and what to write instead
 */
public record ServiceRefusal(int index, ServiceSpec service, NativeError error, String reason) {
  public ServiceRefusal {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(reason, "reason");
  }
}
