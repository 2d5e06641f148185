package io.upshift.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bodies receivers get, and their signature. JSON: the event with its {@code id} (the outbox's,
 * the same on every retry: receivers drop duplicates by it) and {@code link} to the console. Slack:
 * an incoming-webhook message, {@code {"text": ...}}, whose text links the upgrade.
 */
public class Messages {

    public static final String SIGNATURE_HEADER = "X-Upshift-Signature";
    public static final String EVENT_HEADER = "X-Upshift-Event";
    public static final String DELIVERY_HEADER = "X-Upshift-Delivery";

    private final ObjectMapper json;
    private final String consoleUrl;

    /** {@code consoleUrl}: the console as operators reach it, e.g. {@code https://upshift.example.com/console/}. */
    public Messages(ObjectMapper json, String consoleUrl) {
        this.json = json;
        this.consoleUrl = consoleUrl.endsWith("/") ? consoleUrl : consoleUrl + "/";
    }

    public byte[] body(Receiver receiver, long id, Event event) {
        try {
            if (receiver.format() == Receiver.Format.SLACK) {
                return json.writeValueAsBytes(Map.of("text", slackText(event)));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.putAll(json.convertValue(event, Map.class));
            body.put("link", link(event));
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sha256=<hex HMAC-SHA256 of the body>} (GitHub's form), keyed with the receiver's secret. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    public String link(Event event) {
        return event.upgradeId() != null ? consoleUrl + "detail.html?id=" + event.upgradeId() : consoleUrl + "schedules.html";
    }

    String slackText(Event e) {
        String subject = e.upgradeId() != null ? "Upgrade " + e.upgradeId() : "Schedule " + e.scheduleId();
        StringBuilder text = new StringBuilder("<").append(link(e)).append('|').append(escape(subject)).append("> ")
                .append(switch (e.type()) {
                    case UPGRADE_ACCEPTED -> "accepted";
                    case UPGRADE_STARTED -> "started";
                    case UPGRADE_STAGE -> "entered " + e.stage();
                    case UPGRADE_ACTION -> "operator action";
                    case SCHEDULE_SKIPPED -> "skipped a window";
                    case SCHEDULE_MISSED -> "missed a window";
                    case SCHEDULE_FAILED -> "could not start its window's upgrade";
                    default -> e.type().id().substring("upgrade.".length());
                });
        if (e.fromVersion() != null) {
            text.append(": ").append(e.fromVersion()).append(" → ").append(e.targetVersion());
        }
        if (e.by() != null) {
            text.append(", by ").append(escape(e.by()));
        }
        if (e.message() != null && !e.message().isBlank()) {
            text.append("\n").append(escape(e.message()));
        }
        return text.toString();
    }

    /** Slack's three control characters in text. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
