package io.upshift.version;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One environment variable's value in a version config: a literal ({@code NAME: value}) or a key of
 * a ConfigMap or Secret ({@code NAME: {valueFrom: {secretKeyRef: {name, key}}}}). Written back in
 * the same shape. A Secret-backed value is never read by Upshift, only referenced.
 */
public record EnvValue(String value, KeyRef configMapKeyRef, KeyRef secretKeyRef) {

    /** A key of a ConfigMap or Secret. */
    public record KeyRef(String name, String key) {
    }

    public static EnvValue literal(String value) {
        return new EnvValue(value, null, null);
    }

    @JsonCreator
    static EnvValue of(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            return literal(node.asText());
        }
        JsonNode from = node.path("valueFrom");
        return new EnvValue(null, ref(from.path("configMapKeyRef")), ref(from.path("secretKeyRef")));
    }

    private static KeyRef ref(JsonNode node) {
        return node.isObject() ? new KeyRef(node.path("name").asText(null), node.path("key").asText(null)) : null;
    }

    @JsonValue
    Object json() {
        if (configMapKeyRef != null) {
            return Map.of("valueFrom", Map.of("configMapKeyRef", configMapKeyRef));
        }
        if (secretKeyRef != null) {
            return Map.of("valueFrom", Map.of("secretKeyRef", secretKeyRef));
        }
        return value;
    }

    @JsonIgnore
    public boolean isSecret() {
        return secretKeyRef != null;
    }
}
