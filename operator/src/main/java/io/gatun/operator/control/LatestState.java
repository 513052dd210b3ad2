package io.gatun.operator.control;

import io.gatun.control.delta.DesiredVersion;
import io.gatun.control.v1.Snapshot;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** The latest desired state for one forwarder, as its sender reads it to build a message. */
@FunctionalInterface
interface LatestState {

  /**
   * {@code reader}'s answer about the latest version, read while the state holds still; empty while
   * nothing may be sent (snapshots held back, the forwarder not yet known), or when {@code reader}
   * answers null.
   */
  <T> Optional<T> read(Function<DesiredVersion, T> reader);

  /** Complete snapshots, each read as a version whose changes are not known. */
  static LatestState ofSnapshots(Supplier<Optional<Snapshot>> snapshots) {
    return new LatestState() {
      @Override
      public <T> Optional<T> read(Function<DesiredVersion, T> reader) {
        return snapshots.get().map(DesiredVersion::of).map(reader);
      }
    };
  }
}
