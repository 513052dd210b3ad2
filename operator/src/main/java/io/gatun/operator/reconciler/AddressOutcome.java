package io.gatun.operator.reconciler;

import io.gatun.operator.ipam.IpAddress;
import java.util.List;

/** Whether a LoadBalancer holds its addresses; the failure reasons become condition reasons. */
sealed interface AddressOutcome {

  record Allocated(List<IpAddress> addresses, String pool) implements AddressOutcome {
    public Allocated {
      addresses = List.copyOf(addresses);
    }
  }

  record NotAllocated(String reason, String message) implements AddressOutcome {}

  String POOL_NOT_FOUND = "PoolNotFound";
  String POOL_INVALID = "PoolInvalid";
  String NO_POOL = "NoAutoAssignPool";
  String POOL_EXHAUSTED = "PoolExhausted";
  String ADDRESS_IN_USE = "AddressInUse";
  String ADDRESS_NOT_IN_POOL = "AddressNotInPool";
  String NOT_ACCEPTED = "NotAccepted";
}
