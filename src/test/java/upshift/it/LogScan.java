package upshift.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks for credentials in log text: passwords (the suite's own, and anything logged as
 * {@code password=…}), HTTP Basic and Bearer values, Authorization headers, session and CSRF cookie
 * values. A finding names the file, the line number and the rule, never the secret itself.
 */
public final class LogScan {

    /** One credential found: where, and which rule matched. */
    public record Finding(Path file, int line, String rule) {
        @Override
        public String toString() {
            return file + ":" + line + " " + rule;
        }
    }

    private static final Map<String, Pattern> RULES = Map.of(
            "Authorization header value", Pattern.compile("(?i)authorization\"?'?\\s*[:=]\\s*\\[?\"?'?(basic|bearer|digest)\\s+\\S"),
            "Basic credentials", Pattern.compile("(?i)\\bbasic\\s+([A-Za-z0-9+/]{8,}={0,2})"),
            "Bearer token", Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/-]{12,}"),
            "session cookie", Pattern.compile("upshift\\.session=[A-Za-z0-9]"),
            "CSRF token", Pattern.compile("(?i)xsrf-token\"?\\s*[:=]\\s*\"?[A-Za-z0-9._/+-]{8,}"),
            "password value", Pattern.compile("(?i)\\b(password|passwd|pwd)\"?\\s*[:=]\\s*\"?(?!x{3,}|\\*{3,})[^\\s\",}]{3,}"));

    private final List<String> knownSecrets;

    /** @param knownSecrets passwords and tokens the suite used: any occurrence is a finding */
    public LogScan(List<String> knownSecrets) {
        this.knownSecrets = List.copyOf(knownSecrets);
    }

    public List<Finding> scan(Path file) throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            for (String secret : knownSecrets) {
                if (line.contains(secret)) {
                    findings.add(new Finding(file, i + 1, "a password or token the suite used"));
                }
            }
            for (Map.Entry<String, Pattern> rule : RULES.entrySet()) {
                Matcher m = rule.getValue().matcher(line);
                while (m.find()) {
                    if (!rule.getKey().equals("Basic credentials") || isUserAndPassword(m.group(1))) {
                        findings.add(new Finding(file, i + 1, rule.getKey()));
                    }
                }
            }
        }
        return findings;
    }

    /** The text files of these folders (and below) that end with one of the suffixes. */
    public static List<Path> files(List<Path> roots, List<String> suffixes) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> suffixes.stream().anyMatch(s -> p.getFileName().toString().endsWith(s)))
                            .sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    /** "Basic" followed by base64 of user:password (not any word after "basic"). */
    private static boolean isUserAndPassword(String base64) {
        try {
            String decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
            return decoded.indexOf(':') > 0;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
