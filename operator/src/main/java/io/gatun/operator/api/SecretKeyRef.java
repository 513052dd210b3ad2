package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One key of a Secret in the operator's own namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretKeyRef(
    @Required
        @Size(max = 253)
        @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription("The Secret's name, in the operator's namespace.")
        String name,
    @Required
        @Size(max = 253)
        @Pattern(Names.SECRET_KEY)
        @JsonPropertyDescription("The key in the Secret's data whose value is used.")
        String key) {}
