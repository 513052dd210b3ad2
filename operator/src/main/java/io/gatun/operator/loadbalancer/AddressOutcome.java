package io.gatun.operator.loadbalancer;

import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Owner;
import java.util.List;
import java.util.Set;

/** Whether a LoadBalancer holds its addresses; the reasons become condition reasons. */
sealed interface AddressOutcome {

  /** The addresses it holds (empty when none). */
  List<IpAddress> addresses();

  /**
   * It holds {@code addresses} from {@code pool}; {@code reason} is Allocated, or OutsidePool when
   * the pool no longer contains them (they are kept, and {@code message} says what to do).
   */
  record Held(
      List<IpAddress> addresses, String pool, Set<Owner> sharedWith, String reason, String message)
      implements AddressOutcome {
    public Held {
      addresses = List.copyOf(addresses);
      sharedWith = Set.copyOf(sharedWith);
    }
  }

  /** It holds nothing; {@code message} says why and what to do. */
  record NotAllocated(String reason, String message) implements AddressOutcome {
    @Override
    public List<IpAddress> addresses() {
      return List.of();
    }
  }

  String ALLOCATED = "Allocated";
  String OUTSIDE_POOL = "OutsidePool";
  String POOL_NOT_FOUND = "PoolNotFound";
  String POOL_INVALID = "PoolInvalid";
  String POOL_NOT_ALLOWED = "PoolNotAllowed";
  String NO_POOL = "NoPoolAvailable";
  String POOL_EXHAUSTED = "PoolExhausted";
  String NO_POOL_FOR_FAMILY = "NoPoolForFamily";
  String ADDRESS_IN_USE = "AddressInUse";
  String ADDRESS_NOT_IN_POOL = "AddressNotInPool";
  String NOT_VALID = "NotValid";
}
