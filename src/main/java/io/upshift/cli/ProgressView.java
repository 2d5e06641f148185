package io.upshift.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** An upgrade record drawn for a terminal: a header, a progress bar, one line per service. */
public final class ProgressView {

    private static final int BAR = 30;

    private ProgressView() {
    }

    public static List<String> lines(JsonNode record, int width) {
        List<String> lines = new ArrayList<>();
        lines.add(fit(record.path("id").asText() + "  " + record.path("fromVersion").asText() + " -> "
                + record.path("targetVersion").asText() + "  " + record.path("mode").asText() + "  "
                + record.path("state").asText(), width));
        lines.add(bar(record.path("progress")));
        int nameWidth = 8;
        for (JsonNode s : record.path("services")) {
            nameWidth = Math.max(nameWidth, s.path("name").asText().length());
        }
        for (JsonNode s : record.path("services")) {
            String message = s.path("message").isNull() ? "" : s.path("message").asText("");
            lines.add(fit(String.format("  %s %-" + nameWidth + "s  %-17s %s", mark(s.path("state").asText()),
                    s.path("name").asText(), s.path("state").asText(), message).stripTrailing(), width));
        }
        return lines;
    }

    public static String bar(JsonNode progress) {
        int percent = progress.path("percent").asInt();
        int filled = Math.max(0, Math.min(BAR, percent * BAR / 100));
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format("%3d%%", percent) + "  "
                + progress.path("completed").asInt() + "/" + progress.path("total").asInt() + " services";
    }

    private static String mark(String state) {
        return switch (state) {
            case "SUCCEEDED", "ALREADY_AT_TARGET" -> "+";
            case "RUNNING", "ROLLING_BACK" -> ">";
            case "FAILED" -> "x";
            case "ROLLED_BACK", "NOT_STARTED" -> "-";
            default -> ".";
        };
    }

    private static String fit(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "~";
    }
}
