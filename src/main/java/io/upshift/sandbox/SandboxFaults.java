package io.upshift.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.upshift.kubernetes.Durations;

/**
 * What the sandbox's API server does wrong, on purpose ({@code upshift.sandbox.faults.*} at start, the
 * admin endpoint at run time, see docs/sandbox.md). Every field off means the sandbox behaves as before.
 * The same keys are used in both places, so {@link #parse} reads a properties map or the admin's JSON.
 *
 * @param errors          verb → ratio of requests answered {@code errorStatus} (5xx); verb {@code *} = every verb
 * @param throttle        verb → ratio of requests answered 429 with {@code Retry-After: retryAfterSeconds}
 * @param errorStatus     the status of the injected errors (500–599)
 * @param retryAfterSeconds the 429's Retry-After (and its Status' {@code details.retryAfterSeconds})
 * @param latency         added before every faulted-path answer
 * @param watchCloseEvery a watch is closed by the server this long after it opened (zero: never)
 * @param watchGone       ratio of watch requests answered 410 Gone (the client must relist)
 * @param conflicts       ratio of writes (update, patch) answered 409 Conflict
 * @param resources       which resources (plural, e.g. {@code deployments}) the faults above apply to
 * @param neverReady      Deployments whose new pods never become ready
 * @param foreignEdit     "someone else" edits a Deployment after Upshift's Nth write, or null
 * @param seed            seed of the random draws (reproducible runs), or null
 */
public record SandboxFaults(Map<String, Double> errors, Map<String, Double> throttle, int errorStatus,
        int retryAfterSeconds, Duration latency, Duration watchCloseEvery, double watchGone, double conflicts,
        Pattern resources, Set<String> neverReady, ForeignEdit foreignEdit, Long seed) {

    public static final String PREFIX = "upshift.sandbox.faults.";
    static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete", "*");

    /**
     * After Upshift's {@code afterWrites}th successful write to a Deployment, the sandbox itself changes
     * {@code deployment} (null: the one just written) as another user or controller would: the first
     * container's image, or the replica count.
     */
    public record ForeignEdit(int afterWrites, String deployment, String image, Integer replicas) {
    }

    public static SandboxFaults none() {
        return new SandboxFaults(Map.of(), Map.of(), 500, 1, Duration.ZERO, Duration.ZERO, 0, 0, Pattern.compile(".*"),
                Set.of(), null, null);
    }

    public boolean isNone() {
        return errors.isEmpty() && throttle.isEmpty() && latency.isZero() && watchCloseEvery.isZero() && watchGone == 0
                && conflicts == 0 && neverReady.isEmpty() && foreignEdit == null;
    }

    /** The ratio of {@code verb}'s requests to fault in {@code ratios}: the verb's own, else {@code *}'s, else 0. */
    static double ratio(Map<String, Double> ratios, String verb) {
        Double own = ratios.get(verb);
        return own != null ? own : ratios.getOrDefault("*", 0.0);
    }

    /**
     * Reads the settings from keys without the prefix ({@code errors}, {@code throttle}, {@code latency},
     * {@code foreign-edit.after-writes}…); an unknown key or a bad value fails with every problem.
     */
    public static SandboxFaults parse(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        Map<String, String> s = new TreeMap<>();
        settings.forEach((k, v) -> {
            String key = k.startsWith(PREFIX) ? k.substring(PREFIX.length()) : k;
            if (v != null && !v.isBlank()) {
                s.put(key, v.trim());
            }
        });
        Set<String> known = Set.of("errors", "throttle", "error-status", "retry-after", "latency", "watch-close-every",
                "watch-gone", "conflicts", "resources", "never-ready", "seed", "foreign-edit.after-writes",
                "foreign-edit.deployment", "foreign-edit.image", "foreign-edit.replicas");
        s.keySet().stream().filter(k -> !known.contains(k)).forEach(k -> problems.add("unknown fault setting " + k
                + " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
        SandboxFaults none = none();
        Map<String, Double> errors = ratios(s.get("errors"), "errors", problems);
        Map<String, Double> throttle = ratios(s.get("throttle"), "throttle", problems);
        int errorStatus = integer(s, "error-status", none.errorStatus(), 500, 599, problems);
        int retryAfter = integer(s, "retry-after", none.retryAfterSeconds(), 0, 3600, problems);
        Duration latency = duration(s, "latency", problems);
        Duration watchCloseEvery = duration(s, "watch-close-every", problems);
        double watchGone = ratio(s.get("watch-gone"), "watch-gone", problems);
        double conflicts = ratio(s.get("conflicts"), "conflicts", problems);
        Pattern resources = none.resources();
        if (s.containsKey("resources")) {
            try {
                resources = Pattern.compile(s.get("resources"));
            } catch (PatternSyntaxException e) {
                problems.add("resources: not a regular expression: " + e.getDescription());
            }
        }
        Set<String> neverReady = s.containsKey("never-ready")
                ? Set.copyOf(List.of(s.get("never-ready").split("\\s*,\\s*"))) : Set.of();
        ForeignEdit edit = null;
        if (s.keySet().stream().anyMatch(k -> k.startsWith("foreign-edit."))) {
            int after = integer(s, "foreign-edit.after-writes", 1, 1, Integer.MAX_VALUE, problems);
            String image = s.get("foreign-edit.image");
            Integer replicas = s.containsKey("foreign-edit.replicas")
                    ? integer(s, "foreign-edit.replicas", 0, 0, 10_000, problems) : null;
            if ((image == null) == (replicas == null)) {
                problems.add("foreign-edit: set exactly one of foreign-edit.image and foreign-edit.replicas");
            }
            edit = new ForeignEdit(after, s.get("foreign-edit.deployment"), image, replicas);
        }
        Long seed = null;
        if (s.containsKey("seed")) {
            try {
                seed = Long.parseLong(s.get("seed"));
            } catch (NumberFormatException e) {
                problems.add("seed: not a whole number: " + s.get("seed"));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("sandbox faults: " + String.join("; ", problems));
        }
        return new SandboxFaults(errors, throttle, errorStatus, retryAfter, latency, watchCloseEvery, watchGone, conflicts,
                resources, neverReady, edit, seed);
    }

    /** The settings as keys and values, the form {@link #parse} reads (what the admin endpoint shows). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!errors.isEmpty()) {
            m.put("errors", ratiosText(errors));
            m.put("error-status", Integer.toString(errorStatus));
        }
        if (!throttle.isEmpty()) {
            m.put("throttle", ratiosText(throttle));
            m.put("retry-after", Integer.toString(retryAfterSeconds));
        }
        if (!latency.isZero()) {
            m.put("latency", latency.toMillis() + "ms");
        }
        if (!watchCloseEvery.isZero()) {
            m.put("watch-close-every", watchCloseEvery.toMillis() + "ms");
        }
        if (watchGone > 0) {
            m.put("watch-gone", Double.toString(watchGone));
        }
        if (conflicts > 0) {
            m.put("conflicts", Double.toString(conflicts));
        }
        if (!resources.pattern().equals(".*")) {
            m.put("resources", resources.pattern());
        }
        if (!neverReady.isEmpty()) {
            m.put("never-ready", String.join(",", new java.util.TreeSet<>(neverReady)));
        }
        if (foreignEdit != null) {
            m.put("foreign-edit.after-writes", Integer.toString(foreignEdit.afterWrites()));
            if (foreignEdit.deployment() != null) {
                m.put("foreign-edit.deployment", foreignEdit.deployment());
            }
            if (foreignEdit.image() != null) {
                m.put("foreign-edit.image", foreignEdit.image());
            }
            if (foreignEdit.replicas() != null) {
                m.put("foreign-edit.replicas", Integer.toString(foreignEdit.replicas()));
            }
        }
        if (seed != null) {
            m.put("seed", Long.toString(seed));
        }
        return m;
    }

    private static String ratiosText(Map<String, Double> ratios) {
        return String.join(",", new TreeMap<>(ratios).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
    }

    /** {@code patch:0.2,get:0.1} or {@code *:0.3}; a bare number means every verb. */
    private static Map<String, Double> ratios(String text, String key, List<String> problems) {
        if (text == null) {
            return Map.of();
        }
        Map<String, Double> ratios = new TreeMap<>();
        for (String part : text.split("\\s*,\\s*")) {
            int colon = part.indexOf(':');
            String verb = colon < 0 ? "*" : part.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? part : part.substring(colon + 1);
            if (!VERBS.contains(verb)) {
                problems.add(key + ": unknown verb " + verb + " (one of " + String.join(", ", new java.util.TreeSet<>(VERBS))
                        + ")");
                continue;
            }
            ratios.put(verb, ratio(value, key, problems));
        }
        ratios.values().removeIf(r -> r == 0);
        return Map.copyOf(ratios);
    }

    private static double ratio(String text, String key, List<String> problems) {
        if (text == null) {
            return 0;
        }
        try {
            double r = Double.parseDouble(text.trim());
            if (r >= 0 && r <= 1) {
                return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": a ratio is a number from 0 to 1, not " + text.trim());
        return 0;
    }

    private static int integer(Map<String, String> s, String key, int fallback, int min, int max, List<String> problems) {
        String text = s.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": a whole number from " + min + " to " + max + ", not " + text);
        return fallback;
    }

    private static Duration duration(Map<String, String> s, String key, List<String> problems) {
        String text = s.get(key);
        if (text == null) {
            return Duration.ZERO;
        }
        try {
            Duration d = Durations.parse(text);
            if (!d.isNegative()) {
                return d;
            }
            problems.add(key + ": negative duration " + text);
        } catch (RuntimeException e) {
            problems.add(key + ": " + e.getMessage());
        }
        return Duration.ZERO;
    }
}
