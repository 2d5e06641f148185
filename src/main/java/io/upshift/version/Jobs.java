package io.upshift.version;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Jobs run before (and, at version level, after) the services change. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Jobs(List<JobSpec> before, List<JobSpec> after) {

    public Jobs {
        before = before == null ? List.of() : List.copyOf(before);
        after = after == null ? List.of() : List.copyOf(after);
    }
}
