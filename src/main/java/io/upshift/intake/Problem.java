package io.upshift.intake;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One thing wrong with a document, at a path of field names and list indexes
 * ({@code [services, 2, name]} reads {@code services[2].name}).
 */
public record Problem(List<Object> path, String message) {

    public Problem {
        path = List.copyOf(path);
    }

    public static List<Object> path(Object... elements) {
        return List.of(elements);
    }

    /** {@code services[2].name}; the document itself is {@code top level}. */
    public static String location(List<Object> path) {
        if (path.isEmpty()) {
            return "top level";
        }
        StringBuilder sb = new StringBuilder();
        for (Object e : path) {
            if (e instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                sb.append(sb.length() == 0 ? "" : ".").append(e);
            }
        }
        return sb.toString();
    }

    public String location() {
        return location(path);
    }

    public String text() {
        return location() + ": " + message;
    }

    /**
     * Orders problems as the document reads: a field by its position in its mapping, a list item
     * by its index, an outer location before the locations inside it.
     */
    public static Comparator<Problem> documentOrder(JsonNode root) {
        return Comparator.comparing(p -> positions(root, p.path()), Problem::compareKeys);
    }

    private static List<Integer> positions(JsonNode root, List<Object> path) {
        List<Integer> key = new ArrayList<>();
        JsonNode node = root;
        for (Object e : path) {
            if (e instanceof Integer i) {
                key.add(i);
                node = node == null ? null : node.get(i);
            } else {
                key.add(fieldPosition(node, (String) e));
                node = node == null ? null : node.get((String) e);
            }
        }
        return key;
    }

    private static int fieldPosition(JsonNode node, String field) {
        if (node != null && node.isObject()) {
            int i = 0;
            for (var it = node.fieldNames(); it.hasNext(); i++) {
                if (it.next().equals(field)) {
                    return i;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    private static int compareKeys(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
