package io.upshift.web;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import io.vertx.ext.auth.HashingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 16: an unknown user's check costs what a known user's does, also when stored hashes
 * differ in iteration count (hashes made before the count was raised keep theirs): the decoy is
 * checked at the count of a stored hash, picked by the name.
 */
class DecoyHashTest {

    @TempDir
    Path dir;

    @Test
    void theIterationCountIsReadFromAStoredHash() {
        assertThat(Passwords.iterations(new Passwords(1200).hash("secret-1"))).hasValue(1200);
        assertThat(Passwords.iterations("$pbkdf2$it=210000$c2FsdA$aGFzaA")).hasValue(210_000);
        assertThat(Passwords.iterations("not a hash")).isEmpty();
        assertThat(Passwords.iterations(null)).isEmpty();
    }

    @Test
    void unknownNamesAreCheckedAtTheCountsOfStoredHashesOneNameAlwaysAtTheSame() {
        UserFile users = new UserFile(dir.resolve("users.yaml"));
        users.put("old", Role.VIEWER, new Passwords(1100).hash("old-password-1"));
        users.put("new", Role.OPERATOR, new Passwords(1300).hash("new-password-1"));
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int count = users.decoyIterations("stranger-" + i, 7);
            assertThat(count).isIn(1100, 1300);
            assertThat(users.decoyIterations("stranger-" + i, 7)).as("the same for the same name").isEqualTo(count);
            picked.add(count);
        }
        assertThat(picked).as("every stored count stands in for some names").containsExactlyInAnyOrder(1100, 1300);
    }

    @Test
    void withoutStoredHashesTheCurrentCountIsUsed() {
        UserFile users = new UserFile(dir.resolve("users.yaml"));
        users.put("odd", Role.VIEWER, "plain text, no count");
        assertThat(users.decoyIterations("stranger", 1000)).isEqualTo(1000);
    }

    @Test
    void theDecoyIsMadeAtTheCountItIsAskedForAndNeverMatches() {
        Passwords passwords = new Passwords(1000);
        assertThat(passwords.verifyUnknown("any-password", 1300)).isFalse();
        assertThat(passwords.verifyUnknown(null, 1100)).isFalse();
        assertThat(passwords.decoyCounts()).containsExactlyInAnyOrder(1000, 1100, 1300);
        // a malformed stored hash fails like a wrong password, after a check at the current count
        assertThat(passwords.verify("$pbkdf2$broken", "any-password")).isFalse();
    }

    @Test
    void theDecoyHasAStoredHashsShapeAndTheCheckAgainstItDerivesAKey() {
        Passwords passwords = new Passwords(1000);
        String decoy = passwords.decoyHash(1000);
        String real = passwords.hash("some-password-1");
        // same algorithm, count, salt and key lengths as a hash Vert.x made: the check costs the same
        assertThat(lengths(decoy)).containsExactly(lengths(real));
        assertThat(Passwords.iterations(decoy)).hasValue(1000);
        // Vert.x reads it as a PBKDF2 hash and derives the key (an unreadable one would throw, costing nothing)
        assertThat(HashingStrategy.load().verify(decoy, "some-password-1")).isFalse();
    }

    private static int[] lengths(String hash) {
        return Arrays.stream(hash.split("\\$")).mapToInt(String::length).toArray();
    }
}
