package io.upshift.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The anonymous probes' answer, computed at most once per {@code maxAge} and kind: concurrent and
 * repeated probes share one run of the checks (a database round trip and a Kubernetes API call),
 * so anonymous requests cannot multiply that work, and a probe answers at once under load.
 */
public final class SharedHealthProbe implements HealthProbe {

    private record Answer(boolean up, Instant at) {
    }

    private final HealthProbe checks;
    private final Clock clock;
    private final Duration maxAge;
    private final Map<Kind, Answer> answers = new EnumMap<>(Kind.class);

    public SharedHealthProbe(HealthProbe checks, Clock clock, Duration maxAge) {
        this.checks = checks;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** Blocking: callers of a kind whose answer is too old wait for the one run of the checks. */
    @Override
    public synchronized boolean up(Kind kind) {
        Answer answer = answers.get(kind);
        Instant now = clock.instant();
        if (answer == null || !now.isBefore(answer.at().plus(maxAge))) {
            answer = new Answer(checks.up(kind), now);
            answers.put(kind, answer);
        }
        return answer.up();
    }
}
