package io.upshift.version;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A platform version: four numeric segments such as {@code 5.1.2.04}. The text is kept as written
 * (minus an optional leading {@code V}) because operators recognise {@code 04}, not {@code 4};
 * comparison is numeric.
 */
public record Version(String text, int[] segments) implements Comparable<Version> {

    public static final Pattern FORMAT = Pattern.compile("^[vV]?(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})$");

    public Version {
        segments = segments.clone();
    }

    /** Parses {@code V5.1.2.04} or {@code 5.1.2.04}; throws {@link IllegalArgumentException} otherwise. */
    public static Version parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("version is missing");
        }
        var m = FORMAT.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + raw + "\" is not a version of four numeric segments such as 5.1.2.04");
        }
        int[] s = new int[4];
        for (int i = 0; i < 4; i++) {
            s[i] = Integer.parseInt(m.group(i + 1));
        }
        String text = raw.trim();
        if (text.startsWith("V") || text.startsWith("v")) {
            text = text.substring(1);
        }
        return new Version(text, s);
    }

    public static boolean isValid(String raw) {
        return raw != null && FORMAT.matcher(raw.trim()).matches();
    }

    /** The first three segments, e.g. {@code 5.1.2}: the compatibility line of a version. */
    public String line() {
        return segments[0] + "." + segments[1] + "." + segments[2];
    }

    public boolean sameLine(Version other) {
        return segments[0] == other.segments[0] && segments[1] == other.segments[1] && segments[2] == other.segments[2];
    }

    @Override
    public int compareTo(Version other) {
        return Arrays.compare(segments, other.segments);
    }

    // Hand-written on purpose: a record compares an int[] by identity, and 5.1.2.4 is 5.1.2.04
    // whatever its text, so equality is by numeric segments only.
    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && Arrays.equals(segments, v.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return text;
    }
}
