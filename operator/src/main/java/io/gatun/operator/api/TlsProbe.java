package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** TLS settings of an HTTPS probe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TlsProbe(
    @Size(max = 253)
        @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription("SNI and the name the certificate must carry.")
        String serverName,
    @Default("false") @JsonPropertyDescription("Accepts any certificate (self-signed backends).")
        Boolean insecureSkipVerify) {}
