package io.gatun.operator.status;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * Lets reconcilers write to the API server only while this replica runs as the leader.
 *
 * <p>When the operator stops (a rolling upgrade, a lost lease), JOSDK stops its informers, and
 * empties their caches, before the reconciles under way have finished. Such a reconcile sees, for
 * example, no Pool at all, and would write a LoadBalancer status without its address or its drains:
 * the very status the next replica rebuilds IPAM and drains from. So the operator closes this gate
 * before it stops JOSDK: closing waits for the writes already under way, and no write starts after
 * it. A replica that lost its lease closes it too, since another replica may already be writing.
 */
public final class WriteGate {

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean open = true; // guarded by lock

  /** Runs {@code write} unless the gate is closed; returns what it returned, or false. */
  public boolean ifOpen(BooleanSupplier write) {
    lock.readLock().lock();
    try {
      return open && write.getAsBoolean();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Closes the gate once the writes under way are done. */
  public void close() {
    lock.writeLock().lock();
    try {
      open = false;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public boolean isOpen() {
    lock.readLock().lock();
    try {
      return open;
    } finally {
      lock.readLock().unlock();
    }
  }
}
