package io.upshift.intake;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;

/**
 * Tells what an incoming document is, by its top-level {@code kind} (content-based routing in the
 * intake routes), and which syntax it is written in. A document that cannot be read is treated as a
 * version configuration, whose parser then reports exactly what is wrong with it.
 */
public class DocumentKind {

    public static final String VERSION_CONFIG = "VersionConfig";
    public static final String UPGRADE_REQUEST = "UpgradeRequest";
    public static final String UPGRADE_SCHEDULE = "UpgradeSchedule";

    private final ObjectMapper yaml;

    public DocumentKind(ObjectMapper yaml) {
        this.yaml = yaml;
    }

    /** The {@code kind} field of the document (YAML is a superset of JSON), or VersionConfig. */
    public String detect(byte[] content) {
        try {
            JsonNode kind = yaml.readTree(content).path("kind");
            return kind.isTextual() ? kind.asText() : VERSION_CONFIG;
        } catch (IOException | RuntimeException unreadable) {
            return VERSION_CONFIG;
        }
    }

    /** "json" or "yaml" from a file name's extension. */
    public static String formatOfFile(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".json") ? "json" : "yaml";
    }

    /** "json" or "yaml" from an HTTP Content-Type, or 415 for anything else (a missing one too). */
    public static String formatOfContentType(String contentType) {
        return formatOfContentType(contentType, null);
    }

    /**
     * As above, with the format assumed when the request names no Content-Type ({@code null}:
     * refuse it as well).
     */
    public static String formatOfContentType(String contentType, String whenMissing) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty() && whenMissing != null) {
            return whenMissing;
        }
        return switch (type) {
            case "application/json" -> "json";
            case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> "yaml";
            default -> throw new RejectedException(415, "unsupported content type",
                    java.util.List.of("send the document as application/yaml or application/json, not "
                            + (type.isEmpty() ? "no Content-Type" : type)));
        };
    }
}
