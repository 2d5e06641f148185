package io.upshift.audit;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserChangesTest {

    private static UserChanges.Known known(String role, String credential) {
        return new UserChanges.Known(role, credential);
    }

    @Test
    void eachDifferenceIsOneChangeInNameOrder() {
        var before = Map.of("ann", known("viewer", "a1"), "bob", known("operator", "b1"), "cy", known("viewer", "c1"));
        var after = Map.of("ann", known("operator", "a2"), "cy", known("viewer", "c1"), "dee", known("viewer", "d1"));

        assertThat(UserChanges.between(before, after)).containsExactly(
                new UserChanges.Change("user.role", "ann", "viewer -> operator"),
                new UserChanges.Change("user.password", "ann", null),
                new UserChanges.Change("user.remove", "bob", null),
                new UserChanges.Change("user.add", "dee", "viewer"));
        assertThat(UserChanges.between(after, after)).isEmpty();
        assertThat(new UserChanges.Change("user.role", "ann", "viewer -> operator").object())
                .isEqualTo("ann (viewer -> operator)");
    }
}
