package io.upshift.intake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import io.upshift.version.Suggestions;

/**
 * Turns the schema validator's messages, for any of the document schemas under {@code schema/}, ({@code $.services[2].name: does not match the regex
 * pattern ^[a-z0-9]…}) into what an operator can act on
 * ({@code services[2].name: "Auth" is not a valid DNS-1123 label (…)}).
 */
public final class SchemaProblems {

    public static final String LABEL_RULE = "is not a valid DNS-1123 label (lowercase letters, digits and '-', "
            + "starting and ending with a letter or digit, at most 63 characters)";
    public static final String SUBDOMAIN_RULE = "is not a valid DNS-1123 subdomain (lowercase labels of letters, digits and '-' "
            + "separated by '.', at most 253 characters)";
    public static final String IMAGE_RULE = "is not a valid image reference (name:tag or name@sha256:digest)";
    public static final String CONFIG_MAP_KEY_RULE = "is not a valid ConfigMap key (letters, digits, '-', '_' and '.')";
    public static final String VERSION_RULE = "is not a version of four numeric segments such as 5.1.2.04";

    private final JsonNode schema;

    SchemaProblems(JsonNode schema) {
        this.schema = schema;
    }

    Problem translate(ValidationMessage m, JsonNode root) {
        List<Object> path = path(m.getInstanceLocation());
        JsonNode node = at(root, path);
        String field = fieldName(path);
        String message = switch (m.getType()) {
            case "required" -> "missing required field \"" + argument(m) + "\"";
            case "additionalProperties" -> unknownField(m, argument(m));
            case "type" -> "must be " + expected(path, field) + ", got " + kind(node);
            case "pattern", "maxLength" -> rule(field, node, m);
            case "minItems" -> "services".equals(field) && path.size() == 1
                    ? "must list at least one service" : stripPath(m.getMessage());
            case "uniqueItems" -> "lists " + repeated(node) + " more than once";
            case "const" -> "must be " + quote(m.getSchemaNode()) + ", got " + quoteOrKind(node);
            case "minimum", "maximum" -> range(field, node, m);
            case "minProperties" -> "must name at least one check (httpGet, job)";
            case "enum" -> "must be one of " + String.join(", ", texts(m.getSchemaNode())) + ", got " + quoteOrKind(node);
            case "propertyNames" -> {
                path.add(argument(m));
                yield "\"" + argument(m) + "\" " + (field.equals("configMaps") ? SUBDOMAIN_RULE : CONFIG_MAP_KEY_RULE);
            }
            default -> stripPath(m.getMessage());
        };
        return new Problem(path, message);
    }

    /** {@code $.services[2].name} as {@code [services, 2, name]}. */
    static List<Object> path(JsonNodePath p) {
        List<Object> path = new ArrayList<>(p.getNameCount());
        for (int i = 0; i < p.getNameCount(); i++) {
            path.add(p.getElement(i));
        }
        return path;
    }

    static JsonNode at(JsonNode root, List<Object> path) {
        JsonNode node = root;
        for (Object e : path) {
            node = e instanceof Integer i ? node.path(i) : node.path((String) e);
        }
        return node;
    }

    /** The field a path ends in: {@code dependsOn[]} for an item of dependsOn, {@code services[]} for a service. */
    private static String fieldName(List<Object> path) {
        if (path.isEmpty()) {
            return "";
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer) {
            return path.size() > 1 ? path.get(path.size() - 2) + "[]" : "[]";
        }
        return (String) last;
    }

    private String unknownField(ValidationMessage m, String name) {
        Set<String> known = knownFields(m);
        String suggestion = Suggestions.closest(name, known)
                .map(s -> " (did you mean \"" + s + "\"?)")
                .orElse("; allowed: " + String.join(", ", known));
        return "unknown field \"" + name + "\"" + suggestion;
    }

    /** The fields declared beside the {@code additionalProperties: false} that refused one. */
    private Set<String> knownFields(ValidationMessage m) {
        JsonNodePath at = m.getSchemaLocation().getFragment();
        JsonNode object = schema;
        for (int i = 0; i < at.getNameCount() - 1; i++) {
            Object e = at.getElement(i);
            object = e instanceof Integer index ? object.path(index) : object.path(String.valueOf(e));
        }
        return fieldNames(object.path("properties"));
    }

    private static String expected(List<Object> path, String field) {
        if (path.size() >= 2 && "env".equals(path.get(path.size() - 2))) {
            return "a string value or {valueFrom: {configMapKeyRef|secretKeyRef: {name, key}}}";
        }
        return switch (field) {
            case "services" -> "an array of services";
            case "services[]" -> "a service (an object with name and image)";
            case "dependsOn" -> "an array of service names";
            case "dependsOn[]" -> "a service name (a string)";
            case "zeroDowntime", "acceptRisk", "allowDowngrade" -> "true or false";
            case "version", "targetVersion" -> "a string such as \"5.1.2.04\"";
            case "windowMinutes" -> "a whole number of minutes";
            case "port" -> "a port number (1-65535)";
            case "expectStatus" -> "an HTTP status code such as 200";
            case "attempts" -> "a whole number of attempts";
            case "command" -> "an array of strings";
            case "verify", "probe", "httpGet", "job" -> "an object";
            default -> "a string";
        };
    }

    private static String rule(String field, JsonNode node, ValidationMessage m) {
        String rule = switch (field) {
            case "version", "targetVersion" -> VERSION_RULE;
            case "image" -> IMAGE_RULE;
            case "name", "namespace", "container" -> LABEL_RULE;
            case "deployment" -> SUBDOMAIN_RULE;
            case "path" -> "is not an absolute URL path such as /healthz";
            case "timeout" -> "is not a duration such as 500ms, 5s, 2m or 1h";
            default -> null;
        };
        return rule == null ? stripPath(m.getMessage()) : quote(node) + " " + rule;
    }

    private static String range(String field, JsonNode node, ValidationMessage m) {
        return switch (field) {
            case "port" -> node + " is not a port (1-65535)";
            case "expectStatus" -> node + " is not an HTTP status (100-599)";
            default -> ("minimum".equals(m.getType()) ? "must be at least " : "must be at most ") + m.getSchemaNode()
                    + ", got " + quoteOrKind(node);
        };
    }

    private static String repeated(JsonNode array) {
        Set<JsonNode> seen = new HashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        array.forEach(item -> {
            if (!seen.add(item)) {
                repeated.add(quote(item));
            }
        });
        return String.join(", ", repeated);
    }

    private static String argument(ValidationMessage m) {
        if (m.getProperty() != null) {
            return m.getProperty();
        }
        Object[] args = m.getArguments();
        return args != null && args.length > 0 ? String.valueOf(args[0]) : "?";
    }

    /** A value as the user wrote it, JSON-quoted and cut short when long. */
    static String quote(JsonNode node) {
        String text = node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "…" : text;
    }

    private static String quoteOrKind(JsonNode node) {
        return node.isValueNode() ? quote(node) : kind(node);
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING, BINARY -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NULL, MISSING -> "nothing (null)";
        };
    }

    private static String stripPath(String message) {
        int colon = message.indexOf(": ");
        return (message.startsWith("$") || message.startsWith("/")) && colon > 0 ? message.substring(colon + 2) : message;
    }

    private static List<String> texts(JsonNode values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static Set<String> fieldNames(JsonNode properties) {
        Set<String> names = new LinkedHashSet<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
