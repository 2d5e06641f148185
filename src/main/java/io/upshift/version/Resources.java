package io.upshift.version;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A container's requests and limits (cpu, memory, ephemeral-storage → Kubernetes quantity). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resources(Map<String, String> requests, Map<String, String> limits) {

    public Resources {
        requests = requests == null ? null : Ordered.copy(requests);
        limits = limits == null ? null : Ordered.copy(limits);
    }
}
