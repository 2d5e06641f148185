package io.upshift.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedCredentialsTest {

    private final VerifiedCredentials verified = new VerifiedCredentials(
            Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC), Duration.ofMinutes(1));
    private final AtomicInteger checks = new AtomicInteger();

    private Future<User> check(String password, Promise<User> hash) {
        return verified.check("ops", password, "stored-hash", () -> {
            checks.incrementAndGet();
            return hash.future();
        });
    }

    @Test
    void concurrentChecksOfOnePairCostOneHashAndEachCallerGetsItsOwnUser() {
        Promise<User> hash = Promise.promise();
        Future<User> first = check("right", hash);
        Future<User> second = check("right", hash);
        hash.complete(User.fromName("ops"));

        assertThat(checks).hasValue(1);
        User a = first.result();
        User b = second.result();
        assertThat(a.subject()).isEqualTo("ops");
        assertThat(b.subject()).isEqualTo("ops");
        // what each request's authorization step does: clear, then add the role the file gives now
        a.authorizations().add("users-file", RoleBasedAuthorization.create("operator"));
        b.authorizations().clear("users-file");
        assertThat(RoleBasedAuthorization.create("operator").match(a)).isTrue();
    }

    @Test
    void aRememberedPairIsNotHashedAgainAndAWrongOneIsForgotten() {
        Promise<User> right = Promise.promise();
        check("right", right);
        right.complete(User.fromName("ops"));
        assertThat(check("right", Promise.promise()).succeeded()).isTrue();
        assertThat(checks).hasValue(1);

        Promise<User> wrong = Promise.promise();
        check("wrong", wrong);
        wrong.fail("wrong user name or password");
        Promise<User> again = Promise.promise();
        check("wrong", again);
        assertThat(checks).hasValue(3);
    }
}
