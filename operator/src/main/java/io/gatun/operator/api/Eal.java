package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** DPDK EAL settings of the forwarders. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Eal(
    @Default("0-1")
        @Pattern("^[0-9]+([-,][0-9]+)*$")
        @JsonPropertyDescription(
            "CPUs as EAL's -l takes them: the first is the main lcore, each other runs a worker."
                + " They must be CPUs the pod may use (with exclusive CPUs, those the node gives"
                + " it).")
        String lcores,
    @Default("512")
        @Min(64)
        @Max(1048576)
        @JsonPropertyDescription("Hugepage memory EAL takes (-m), in MiB; within hugepages.amount.")
        Integer memoryMegabytes,
    @Size(max = 32)
        @JsonPropertyDescription(
            "More EAL arguments, one per item (e.g. --log-level=*:info). The rendered ones"
                + " (-l, -m, --huge-dir, --file-prefix, -a/--no-pci) are not repeated here.")
        List<@Size(max = 200) String> extraArgs) {}
