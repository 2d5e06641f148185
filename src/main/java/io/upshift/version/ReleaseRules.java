package io.upshift.version;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.upshift.intake.Problem;

/**
 * The rules of a release's fields (env, resources, StatefulSets, jobs) that a schema cannot
 * express: {@link #check} looks at the document alone, {@link #against} compares it with the
 * version the platform runs (a template for a service it already runs, {@code prune} with nothing
 * to prune, a StatefulSet's claims or a service's kind changed). Like {@link SemanticRules} they
 * look only at values the schema accepted.
 */
final class ReleaseRules {

    /** What Kubernetes accepts as an env var name for a C program to read: a C identifier. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A Kubernetes quantity: a decimal number and a binary (Ki…Ei) or decimal (m, k, M…E) suffix. */
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(\\.\\d+)?|\\.\\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
    static final String QUANTITY_RULE = "is not a Kubernetes quantity (a number with an optional suffix: 500m, 2, 512Mi, 1Gi)";
    static final String ENV_RULE = "is not a valid environment variable name (a C identifier: letters, digits and '_', not starting with a digit)";

    private ReleaseRules() {
    }

    static List<Problem> check(JsonNode root, Predicate<List<Object>> sound) {
        List<Problem> problems = new ArrayList<>();
        JsonNode services = root.path("services");
        for (int i = 0; services.isArray() && i < services.size(); i++) {
            JsonNode s = services.get(i);
            env(s.path("env"), Problem.path("services", i, "env"), sound, problems);
            resources(s.path("resources"), Problem.path("services", i, "resources"), sound, problems);
            boolean statefulSet = "StatefulSet".equals(s.path("kind").asText());
            JsonNode claims = s.path("volumeClaimTemplates");
            if (claims.isArray() && !statefulSet && sound.test(Problem.path("services", i, "kind"))) {
                problems.add(new Problem(Problem.path("services", i, "volumeClaimTemplates"),
                        "only a StatefulSet has volumeClaimTemplates: set kind: StatefulSet or remove them"));
            }
            for (int c = 0; claims.isArray() && c < claims.size(); c++) {
                quantity(claims.get(c).path("storage"), Problem.path("services", i, "volumeClaimTemplates", c, "storage"),
                        sound, problems);
            }
        }
        jobs(root, sound, problems);
        return problems;
    }

    /** The rules relative to {@code running}, the config of the version the platform runs (skipped when overwriting it). */
    static List<Problem> against(VersionConfig running, JsonNode root, Predicate<List<Object>> sound) {
        List<Problem> problems = new ArrayList<>();
        JsonNode services = root.path("services");
        if (!services.isArray() || !root.path("version").isTextual() || !Version.isValid(root.path("version").asText())
                || Version.parse(root.path("version").asText()).equals(Version.parse(running.version()))) {
            return problems;
        }
        String runs = running.version();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < services.size(); i++) {
            JsonNode s = services.get(i);
            String name = s.path("name").asText(null);
            if (name == null || !sound.test(Problem.path("services", i, "name"))) {
                continue;
            }
            names.add(name);
            ServiceSpec now = running.service(name).orElse(null);
            if (now == null) {
                continue;
            }
            if (s.has("template") && sound.test(Problem.path("services", i, "template"))) {
                problems.add(new Problem(Problem.path("services", i, "template"), "service \"" + name
                        + "\" already exists in " + runs + " (the version the platform runs): a template only creates a"
                        + " new service; remove it"));
            }
            WorkloadKind kind = "StatefulSet".equals(s.path("kind").asText()) ? WorkloadKind.STATEFUL_SET
                    : WorkloadKind.DEPLOYMENT;
            if (sound.test(Problem.path("services", i, "kind")) && kind != now.workloadKind()) {
                problems.add(new Problem(Problem.path("services", i, "kind"), "service \"" + name + "\" is a "
                        + now.workloadKind().kubernetesName() + " in " + runs + ": an upgrade cannot change its kind"));
            }
            if (kind == WorkloadKind.STATEFUL_SET && now.workloadKind() == WorkloadKind.STATEFUL_SET
                    && sound.test(Problem.path("services", i, "volumeClaimTemplates"))
                    && !Objects.equals(claims(s.path("volumeClaimTemplates")), claims(now.volumeClaimTemplates()))) {
                problems.add(new Problem(Problem.path("services", i, "volumeClaimTemplates"), "differ from "
                        + runs + "'s; Kubernetes forbids changing a StatefulSet's volumeClaimTemplates"));
            }
        }
        if (root.path("prune").asBoolean(false) && sound.test(Problem.path("services"))
                && running.services().stream().allMatch(s -> names.contains(s.name()))) {
            problems.add(new Problem(Problem.path("prune"), "no service of " + runs
                    + " (the version the platform runs) is absent from this version: there is nothing to prune"));
        }
        return problems;
    }

    private static void env(JsonNode env, List<Object> at, Predicate<List<Object>> sound, List<Problem> problems) {
        if (!env.isObject() || !sound.test(at)) {
            return;
        }
        for (var it = env.fields(); it.hasNext();) {
            var e = it.next();
            List<Object> path = append(at, e.getKey());
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                problems.add(new Problem(path, "\"" + e.getKey() + "\" " + ENV_RULE));
            }
            JsonNode from = e.getValue().path("valueFrom");
            if (from.isObject() && from.size() != 1) {
                problems.add(new Problem(append(path, "valueFrom"),
                        "must name exactly one of configMapKeyRef and secretKeyRef, got " + from.size()));
            }
        }
    }

    private static void resources(JsonNode resources, List<Object> at, Predicate<List<Object>> sound,
            List<Problem> problems) {
        if (!resources.isObject() || !sound.test(at)) {
            return;
        }
        Map<String, BigDecimal> requests = new LinkedHashMap<>();
        for (var it = resources.path("requests").fields(); it.hasNext();) {
            var e = it.next();
            if (quantity(e.getValue(), append(append(at, "requests"), e.getKey()), sound, problems)) {
                requests.put(e.getKey(), amount(e.getValue().asText()));
            }
        }
        for (var it = resources.path("limits").fields(); it.hasNext();) {
            var e = it.next();
            List<Object> path = append(append(at, "limits"), e.getKey());
            BigDecimal request = requests.get(e.getKey());
            if (quantity(e.getValue(), path, sound, problems) && request != null
                    && request.compareTo(amount(e.getValue().asText())) > 0) {
                problems.add(new Problem(path, "limit " + e.getValue().asText() + " is below the request "
                        + resources.path("requests").path(e.getKey()).asText()));
            }
        }
    }

    /** True when the quantity is well formed (reported otherwise). */
    private static boolean quantity(JsonNode value, List<Object> path, Predicate<List<Object>> sound,
            List<Problem> problems) {
        if (!value.isTextual() || !sound.test(path)) {
            return false;
        }
        if (!QUANTITY.matcher(value.asText()).matches()) {
            problems.add(new Problem(path, "\"" + value.asText() + "\" " + QUANTITY_RULE));
            return false;
        }
        return true;
    }

    private static BigDecimal amount(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity));
    }

    /** A claim's size compared by amount (1Gi = 1024Mi); text where it is not a quantity (reported already). */
    private static String size(String quantity) {
        return quantity != null && QUANTITY.matcher(quantity).matches() ? amount(quantity).toPlainString()
                : String.valueOf(quantity);
    }

    private static void jobs(JsonNode root, Predicate<List<Object>> sound, List<Problem> problems) {
        Map<String, String> seen = new LinkedHashMap<>();
        checkJobs(root.path("jobs").path("before"), Problem.path("jobs", "before"), sound, problems, seen);
        checkJobs(root.path("jobs").path("after"), Problem.path("jobs", "after"), sound, problems, seen);
        JsonNode services = root.path("services");
        for (int i = 0; services.isArray() && i < services.size(); i++) {
            checkJobs(services.get(i).path("jobs").path("before"), Problem.path("services", i, "jobs", "before"), sound,
                    problems, seen);
        }
    }

    /** Each job's env; job names are unique in the version (they name the Jobs an upgrade creates). */
    private static void checkJobs(JsonNode jobs, List<Object> at, Predicate<List<Object>> sound, List<Problem> problems,
            Map<String, String> seen) {
        for (int j = 0; jobs.isArray() && j < jobs.size(); j++) {
            List<Object> path = append(at, j);
            env(jobs.get(j).path("env"), append(path, "env"), sound, problems);
            JsonNode name = jobs.get(j).path("name");
            if (name.isTextual() && sound.test(append(path, "name"))) {
                String first = seen.putIfAbsent(name.asText(), Problem.location(path));
                if (first != null) {
                    problems.add(new Problem(append(path, "name"), "duplicate job \"" + name.asText() + "\" (also "
                            + first + ")"));
                }
            }
        }
    }

    private static Set<String> claims(JsonNode claims) {
        Set<String> out = new HashSet<>();
        claims.forEach(c -> out.add(c.path("name").asText() + "|" + size(c.path("storage").asText()) + "|"
                + c.path("storageClassName").asText("") + "|" + c.path("accessModes")));
        return out;
    }

    private static Set<String> claims(List<VolumeClaim> claims) {
        Set<String> out = new HashSet<>();
        if (claims != null) {
            claims.forEach(c -> out.add(c.name() + "|" + size(c.storage()) + "|"
                    + (c.storageClassName() == null ? "" : c.storageClassName()) + "|"
                    + (c.accessModes() == null ? "" : "[" + String.join(",", c.accessModes().stream()
                            .map(m -> "\"" + m + "\"").toList()) + "]")));
        }
        return out;
    }

    private static List<Object> append(List<Object> path, Object element) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(element);
        return longer;
    }
}
