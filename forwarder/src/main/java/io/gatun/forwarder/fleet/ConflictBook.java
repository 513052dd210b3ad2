package io.gatun.forwarder.fleet;

import io.gatun.control.Address;
import io.gatun.control.v1.AddressConflict;
import io.gatun.fwd.Punted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every (address, MAC) that claimed an address this forwarder owns, with how often and when last,
 * for the operator's report (which turns a foreign one into the LoadBalancer's condition and a
 * Warning event). Bounded: the oldest claim is forgotten first.
 */
final class ConflictBook {
  static final int MAX = 64;

  private record Key(String address, String mac) {}

  private final Map<Key, AddressConflict> seen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, AddressConflict> eldest) {
          return size() > MAX;
        }
      };

  synchronized void record(Punted.AddressConflict c, Optional<String> peer, long unixMillis) {
    Key key = new Key(Address.text(c.address()), c.macText());
    AddressConflict before = seen.remove(key);
    seen.put(
        key,
        AddressConflict.newBuilder()
            .setAddress(key.address())
            .setMac(key.mac())
            .setPeer(peer.orElse(""))
            .setVia(c.via().name())
            .setCount(before == null ? 1 : before.getCount() + 1)
            .setLastSeenUnixMillis(unixMillis)
            .build());
  }

  synchronized List<AddressConflict> all() {
    return new ArrayList<>(seen.values());
  }
}
