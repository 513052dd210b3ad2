package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/**
 * The hugepages a forwarder pod requests (an emptyDir of medium HugePages, where EAL maps them).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hugepages(
    @Default("2Mi")
        @Pattern("^(2Mi|1Gi)$")
        @JsonPropertyDescription("2Mi or 1Gi: the page size the nodes have set aside.")
        String pageSize,
    @Default("512Mi")
        @Pattern("^[1-9][0-9]*(Mi|Gi)$")
        @JsonPropertyDescription(
            "How much, a whole number of pages (e.g. 512Mi, 2Gi); at least eal.memoryMegabytes.")
        String amount) {

  /** The amount in MiB. */
  public long amountMegabytes() {
    long n = Long.parseLong(amount.substring(0, amount.length() - 2));
    return amount.endsWith("Gi") ? n * 1024 : n;
  }

  public long pageSizeMegabytes() {
    return pageSize.equals("1Gi") ? 1024 : 2;
  }
}
