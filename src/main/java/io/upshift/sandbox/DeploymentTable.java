package io.upshift.sandbox;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The server-side "Table" form of Deployments ({@code Accept: application/json;as=Table;…}), which
 * kubectl asks for to print {@code kubectl get deployments} as a cluster does: NAME, READY,
 * UP-TO-DATE, AVAILABLE, AGE (and CONTAINERS, IMAGES with {@code -o wide}).
 */
final class DeploymentTable {

    private DeploymentTable() {
    }

    /** Whether the request asks for a Table (kubectl's default for {@code get}). */
    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /** A Table of the Deployment or DeploymentList {@code document}. */
    static ObjectNode of(JsonNode document, ObjectMapper json, Instant now) {
        ObjectNode table = json.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", document.path("metadata").path("resourceVersion").asText(""));
        ArrayNode columns = table.putArray("columnDefinitions");
        column(columns, "Name", "string", "name", 0);
        column(columns, "Ready", "string", "", 0);
        column(columns, "Up-to-date", "integer", "", 0);
        column(columns, "Available", "integer", "", 0);
        column(columns, "Age", "string", "", 0);
        column(columns, "Containers", "string", "", 1);
        column(columns, "Images", "string", "", 1);
        ArrayNode rows = table.putArray("rows");
        if (document.has("items")) {
            document.path("items").forEach(d -> row(rows, d, json, now));
        } else {
            row(rows, document, json, now);
        }
        return table;
    }

    private static void column(ArrayNode columns, String name, String type, String format, int priority) {
        columns.addObject().put("name", name).put("type", type).put("format", format).put("description", "")
                .put("priority", priority);
    }

    private static void row(ArrayNode rows, JsonNode d, ObjectMapper json, Instant now) {
        JsonNode status = d.path("status");
        JsonNode containers = d.path("spec").path("template").path("spec").path("containers");
        StringBuilder names = new StringBuilder();
        StringBuilder images = new StringBuilder();
        containers.forEach(c -> {
            names.append(names.length() == 0 ? "" : ",").append(c.path("name").asText());
            images.append(images.length() == 0 ? "" : ",").append(c.path("image").asText());
        });
        ObjectNode row = rows.addObject();
        row.putArray("cells")
                .add(d.path("metadata").path("name").asText())
                .add(status.path("readyReplicas").asInt(0) + "/" + d.path("spec").path("replicas").asInt(1))
                .add(status.path("updatedReplicas").asInt(0))
                .add(status.path("availableReplicas").asInt(0))
                .add(age(d.path("metadata").path("creationTimestamp").asText(null), now))
                .add(names.toString())
                .add(images.toString());
        ObjectNode object = row.putObject("object").put("kind", "PartialObjectMetadata")
                .put("apiVersion", "meta.k8s.io/v1");
        object.set("metadata", json.createObjectNode()
                .put("name", d.path("metadata").path("name").asText())
                .put("namespace", d.path("metadata").path("namespace").asText())
                .put("creationTimestamp", d.path("metadata").path("creationTimestamp").asText(null)));
    }

    /** kubectl's short age: 45s, 12m, 5h, 3d. */
    static String age(String created, Instant now) {
        if (created == null || created.isEmpty()) {
            return "<unknown>";
        }
        Duration d = Duration.between(Instant.parse(created), now);
        if (d.toSeconds() < 120) {
            return Math.max(0, d.toSeconds()) + "s";
        }
        if (d.toMinutes() < 120) {
            return d.toMinutes() + "m";
        }
        return d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
    }
}
