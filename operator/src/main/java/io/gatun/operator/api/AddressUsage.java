package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many addresses of one family a pool has, and how many are taken. */
public record AddressUsage(
    @JsonPropertyDescription("Addresses in the pool (saturates at 2^63-1).") long capacity,
    @JsonPropertyDescription("Addresses held by LoadBalancers.") long allocated,
    @JsonPropertyDescription("Addresses still free (saturates at 2^63-1).") long available) {}
