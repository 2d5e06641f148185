package io.upshift.version;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One of a StatefulSet's volumeClaimTemplates (fixed once the StatefulSet exists). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VolumeClaim(String name, String storage, List<String> accessModes, String storageClassName) {

    public VolumeClaim {
        accessModes = accessModes == null ? null : List.copyOf(accessModes);
    }
}
