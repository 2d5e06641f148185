package io.upshift;

/**
 * A value from outside (a user name, a file name, a version) made safe for one log line: line
 * breaks, other line separators and control characters are written as escapes, so a value cannot
 * start a forged log line; long values are cut. The log layout encodes CR/LF in every message as
 * well ({@code %enc{%m}{CRLF}} in log4j2.properties); this also covers the rest.
 */
public final class LogText {

    private static final int MAX = 200;

    private LogText() {
    }

    public static String of(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 16);
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.length() < MAX || text.length() <= MAX ? out.toString() : out + "…";
    }
}
