package io.upshift.version;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean …?" for a misspelt field or service name. */
public final class Suggestions {

    private Suggestions() {
    }

    /** Longer words (no valid name is) get no suggestion: the edit distance costs length × length. */
    static final int MAX_WORD = 64;

    /**
     * The closest candidate within one or two edits (by length) (or differing only in case), if any.
     * Only candidates of about the same length are compared, so a long unknown word costs nothing.
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        if (word == null || word.length() > MAX_WORD) {
            return Optional.empty();
        }
        return candidates.stream()
                .filter(c -> !c.equals(word) && Math.abs(c.length() - word.length()) <= 2)
                .filter(c -> c.equalsIgnoreCase(word) || distance(word, c) <= Math.max(1, Math.min(2, word.length() / 3)))
                .min(Comparator.comparingInt((String c) -> distance(word.toLowerCase(), c.toLowerCase())));
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
