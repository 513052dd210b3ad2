package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a cached generic EndpointSlice as a v1 one straight from its maps, for the fields {@link
 * SliceFieldsRead} keeps. Every reconcile of a LoadBalancer reads its Service's slices, and
 * Jackson's {@code convertValue} (writing the maps out as tokens and binding them again) was 8 % of
 * the reconcile threads' samples while 3,000 LoadBalancers were created (JFR). A slice holding
 * anything else, or a field of another type than the API gives it, is left to Jackson, whose result
 * (or error) it then is.
 */
final class SliceReader {

  private static final Set<String> SLICE_FIELDS = Set.of("addressType", "endpoints", "ports");
  private static final Set<String> ENDPOINT_FIELDS =
      Set.of("addresses", "conditions", "nodeName", "topology");
  private static final Set<String> CONDITIONS = Set.of("ready", "serving", "terminating");
  private static final Set<String> PORT_FIELDS = Set.of("name", "port", "protocol", "appProtocol");

  private SliceReader() {}

  /** The slice as v1, or null when it holds what only Jackson should read. */
  static EndpointSlice read(GenericKubernetesResource generic) {
    Map<String, Object> fields = generic.getAdditionalProperties();
    if (!SLICE_FIELDS.containsAll(fields.keySet())) {
      return null;
    }
    Object addressType = fields.get("addressType");
    if (addressType != null && !(addressType instanceof String)) {
      return null;
    }
    List<Endpoint> endpoints = null;
    if (fields.get("endpoints") instanceof List<?> listed) {
      endpoints = new ArrayList<>(listed.size());
      for (Object e : listed) {
        Endpoint endpoint = e instanceof Map<?, ?> map ? endpoint(map) : null;
        if (endpoint == null) {
          return null;
        }
        endpoints.add(endpoint);
      }
    } else if (fields.get("endpoints") != null) {
      return null;
    }
    List<EndpointPort> ports = null;
    if (fields.get("ports") instanceof List<?> listed) {
      ports = new ArrayList<>(listed.size());
      for (Object p : listed) {
        EndpointPort port = p instanceof Map<?, ?> map ? port(map) : null;
        if (port == null) {
          return null;
        }
        ports.add(port);
      }
    } else if (fields.get("ports") != null) {
      return null;
    }
    var slice = new EndpointSlice();
    slice.setApiVersion(generic.getApiVersion());
    slice.setKind(generic.getKind());
    // The cache's metadata, shared, not copied: nothing that reads slices changes it, and the
    // backends are read from the other fields (Jackson would make a copy).
    slice.setMetadata(generic.getMetadata());
    slice.setAddressType((String) addressType);
    // a field left out keeps the model's default (an empty list), as Jackson leaves it
    if (fields.containsKey("endpoints")) {
      slice.setEndpoints(endpoints);
    }
    if (fields.containsKey("ports")) {
      slice.setPorts(ports);
    }
    return slice;
  }

  private static Endpoint endpoint(Map<?, ?> fields) {
    if (!ENDPOINT_FIELDS.containsAll(fields.keySet())) {
      return null;
    }
    var endpoint = new Endpoint();
    if (fields.get("addresses") instanceof List<?> addresses) {
      var read = new ArrayList<String>(addresses.size());
      for (Object a : addresses) {
        if (!(a instanceof String address)) {
          return null;
        }
        read.add(address);
      }
      endpoint.setAddresses(read);
    } else if (fields.get("addresses") != null) {
      return null;
    } else if (fields.containsKey("addresses")) {
      endpoint.setAddresses(null);
    }
    if (fields.get("conditions") instanceof Map<?, ?> conditions) {
      if (!CONDITIONS.containsAll(conditions.keySet())) {
        return null;
      }
      for (Object value : conditions.values()) {
        if (value != null && !(value instanceof Boolean)) {
          return null;
        }
      }
      endpoint.setConditions(
          new EndpointConditions(
              (Boolean) conditions.get("ready"),
              (Boolean) conditions.get("serving"),
              (Boolean) conditions.get("terminating")));
    } else if (fields.get("conditions") != null) {
      return null;
    }
    Object node = fields.get("nodeName");
    if (node != null && !(node instanceof String)) {
      return null;
    }
    endpoint.setNodeName((String) node);
    // v1beta1's topology is no field of v1: Jackson keeps it among the endpoint's other properties
    if (fields.containsKey("topology")) {
      endpoint.setAdditionalProperty("topology", fields.get("topology"));
    }
    return endpoint;
  }

  private static EndpointPort port(Map<?, ?> fields) {
    if (!PORT_FIELDS.containsAll(fields.keySet())) {
      return null;
    }
    Object name = fields.get("name");
    Object protocol = fields.get("protocol");
    Object appProtocol = fields.get("appProtocol");
    Object number = fields.get("port");
    if ((name != null && !(name instanceof String))
        || (protocol != null && !(protocol instanceof String))
        || (appProtocol != null && !(appProtocol instanceof String))
        || (number != null && !(number instanceof Integer))) {
      return null;
    }
    return new EndpointPort(
        (String) appProtocol, (String) name, (Integer) number, (String) protocol);
  }
}
