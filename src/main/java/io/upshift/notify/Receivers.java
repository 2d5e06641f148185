package io.upshift.notify;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The receivers of the settings: {@code upshift.notify.<name>.url} (required), {@code .events}
 * (comma-separated event ids, default all), {@code .format} ({@code json} or {@code slack}) and
 * {@code .secret}. Keys of one segment ({@code upshift.notify.attempts}) are the delivery's own
 * settings. A wrong receiver setting stops the start with what is wrong.
 */
public final class Receivers {

    public static final String PREFIX = "upshift.notify.";
    private static final List<String> KEYS = List.of("url", "events", "format", "secret");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

    private Receivers() {
    }

    public static List<Receiver> from(Properties settings) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String key : settings.stringPropertyNames()) {
            String rest = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : "";
            int dot = rest.lastIndexOf('.');
            if (dot < 0) {
                continue;
            }
            String name = rest.substring(0, dot);
            String field = rest.substring(dot + 1);
            if (!KEYS.contains(field) || !NAME.matcher(name).matches()) {
                throw new IllegalStateException("unknown setting " + key + ": expected " + PREFIX
                        + "<name>.<" + String.join("|", KEYS) + "> with a name of lower-case letters, digits and -");
            }
            byName.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(field, settings.getProperty(key).trim());
        }
        List<Receiver> receivers = new ArrayList<>();
        byName.forEach((name, f) -> receivers.add(new Receiver(name, url(name, f.get("url")),
                events(name, f.getOrDefault("events", "")), format(name, f.getOrDefault("format", "json")),
                f.getOrDefault("secret", "").isEmpty() ? null : f.get("secret"))));
        return receivers;
    }

    private static URI url(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(PREFIX + name + ".url is missing");
        }
        try {
            URI uri = URI.create(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below, without the value (it may hold a token)
        }
        throw new IllegalStateException(PREFIX + name + ".url is not an http or https URL");
    }

    private static Set<EventType> events(String name, String value) {
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        for (String id : value.split(",")) {
            String t = id.trim();
            if (t.isEmpty() || t.equals("*")) {
                continue;
            }
            events.add(EventType.ofId(t).orElseThrow(() -> new IllegalStateException(PREFIX + name + ".events: \""
                    + t + "\" is not an event; use " + String.join(", ", java.util.Arrays.stream(EventType.values())
                            .map(EventType::id).toList()))));
        }
        return events;
    }

    private static Receiver.Format format(String name, String value) {
        try {
            return Receiver.Format.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PREFIX + name + ".format: \"" + value + "\" is not json or slack");
        }
    }
}
