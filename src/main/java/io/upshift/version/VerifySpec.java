package io.upshift.version;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.kubernetes.Durations;

/**
 * How a service is verified once every service rolled (the upgrade's {@code VERIFYING} stage):
 * {@code httpGet} through the Kubernetes API server's service proxy and/or a {@code job} that must
 * succeed. Either may be absent, not both (the schema says so).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifySpec(HttpGet httpGet, Job job) {

    /**
     * {@code GET /api/v1/namespaces/{ns}/services/{service}:{port}/proxy{path}} answers {@code
     * expectStatus} (default 200) within {@code timeout} (default 5s), in at most {@code attempts}
     * (default 3) tries.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HttpGet(String path, Integer port, Integer expectStatus, String timeout, Integer attempts) {

        public int expectedStatus() {
            return expectStatus == null ? 200 : expectStatus;
        }

        public Duration timeoutOr(Duration fallback) {
            return timeout == null ? fallback : Durations.parse(timeout);
        }

        public int maxAttempts() {
            return attempts == null ? 3 : attempts;
        }
    }

    /** A Job running {@code image} ({@code command} if given) that must succeed within {@code timeout} (default 2m). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Job(String image, List<String> command, String timeout) {

        public Job {
            command = command == null ? null : List.copyOf(command);
        }

        public Duration timeoutOr(Duration fallback) {
            return timeout == null ? fallback : Durations.parse(timeout);
        }
    }
}
