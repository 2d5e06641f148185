package io.upshift.version;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A Kubernetes Job an upgrade runs once (a data migration, a cache warm-up) and waits for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(String name, String image, List<String> command, List<String> args, Map<String, EnvValue> env,
        Integer timeoutSeconds, Integer backoffLimit) {

    public JobSpec {
        command = command == null ? null : List.copyOf(command);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? null : Ordered.copy(env);
    }
}
