package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;

/** Where a forwarder dials the operator and with which credentials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlChannelRef(
    @Size(max = 300)
        @JsonPropertyDescription(
            "HOST:PORT of the operator. Default: the gatun-operator Service of this namespace,"
                + " from the variables Kubernetes gives each pod (no cluster DNS needed).")
        String address,
    @Default("gatun-forwarder-tls")
        @Size(min = 1, max = 253)
        @JsonPropertyDescription(
            "The Secret with the forwarders' client certificate: tls.crt, tls.key and ca.crt (the"
                + " CA of the operator's certificate), as cert-manager writes them.")
        String tlsSecret,
    @Size(max = 253)
        @JsonPropertyDescription(
            "The name the operator's certificate must carry. Default:"
                + " gatun-operator.<namespace>.svc.")
        String serverName,
    @Default("false")
        @JsonPropertyDescription("No TLS on the control channel: for tests and demos only.")
        Boolean plaintext) {}
