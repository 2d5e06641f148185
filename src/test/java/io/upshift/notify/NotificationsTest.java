package io.upshift.notify;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications through the real routes to receivers on loopback: a JSON receiver with a secret
 * (every event of an upgrade, in order, signed) and a Slack one (incoming-webhook text with the link).
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class NotificationsTest extends UpshiftTestSupport {

    private static final String SECRET = "hook-secret-1";
    private WebhookReceiver receiver;

    private WebhookReceiver receiver() {
        if (receiver == null) {
            receiver = new WebhookReceiver();
        }
        return receiver;
    }

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.notify.hook.url", receiver().url("/hook"));
        p.setProperty("upshift.notify.hook.secret", SECRET);
        p.setProperty("upshift.notify.chat.url", receiver().url("/slack"));
        p.setProperty("upshift.notify.chat.format", "slack");
        p.setProperty("upshift.notify.chat.events", "upgrade.succeeded,upgrade.failed");
        p.setProperty("upshift.upgrade.rollback-on-failure", "false");
        // the broken image fails after 5 s without progress; a healthy roll on a loaded machine does not
        p.setProperty("upshift.sandbox.progress-deadline-seconds", "3");
        p.setProperty("upshift.rollout.deadline-grace", "2s");
        p.setProperty("upshift.notify.initial-delay", "100ms");
        return p;
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void everyEventOfASucceededUpgradeInOrderSigned() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
        String id = start("5.1.2.04");
        awaitUpgrade(id, "SUCCEEDED");

        List<WebhookReceiver.Received> events = await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.of(id, "/hook"), r -> r.size() == 6);
        assertThat(events).extracting(WebhookReceiver.Received::event).containsExactly("upgrade.accepted",
                "upgrade.started", "upgrade.stage", "upgrade.stage", "upgrade.stage", "upgrade.succeeded");
        assertThat(events).extracting(r -> r.json().path("stage").asText()).containsExactly("PENDING",
                "PRECHECKING", "PRECHECKING", "UPGRADING/ROLLING", "VERIFYING", "SUCCEEDED");
        assertSigned(events);
        assertThat(events.get(0).json().path("by").asText()).isEqualTo(OPERATOR);
        assertThat(events.get(5).json().path("link").asText()).endsWith("/console/detail.html?id=" + id);

        // the Slack receiver takes only the end, as an incoming-webhook message linking the upgrade
        List<WebhookReceiver.Received> slack = await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.of(id, "/slack"), r -> r.size() == 1);
        assertThat(slack.get(0).json().path("text").asText())
                .startsWith("<http://localhost:" + port + "/console/detail.html?id=" + id + "|Upgrade " + id + "> succeeded: 5.1.2.02 → 5.1.2.04");
        assertThat(slack.get(0).signature()).isNull();

        JsonNode deliveries = body(get("/api/notifications/deliveries?receiver=hook&size=200"));
        assertThat(deliveries.findValuesAsText("state")).containsOnly("DELIVERED");
        assertThat(deliveries.get(0).path("event").path("type").asText()).isEqualTo("upgrade.succeeded");
        assertThat(deliveries.get(0).path("attempts").asInt()).isEqualTo(1);
        assertThat(get("/api/notifications/deliveries?state=nonsense").statusCode()).isEqualTo(400);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void everyEventOfAFailedUpgradeInOrderSigned() throws Exception {
        String broken = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.05")
                .replace("gateway:5.1.2.05", "gateway:broken-5.1.2.05");
        assertThat(post("/api/versions", "application/yaml", broken.getBytes()).statusCode()).isEqualTo(201);
        String id = start("5.1.2.05");
        awaitUpgrade(id, "FAILED");

        List<WebhookReceiver.Received> events = await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.of(id, "/hook"), r -> !r.isEmpty() && r.get(r.size() - 1).event().equals("upgrade.failed"));
        assertThat(events).extracting(WebhookReceiver.Received::event).containsExactly("upgrade.accepted",
                "upgrade.started", "upgrade.stage", "upgrade.stage", "upgrade.failed");
        assertThat(events.get(4).json().path("message").asText()).startsWith("gateway: ");
        assertSigned(events);
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> receiver.of(id, "/slack"), r -> r.size() == 1)
                .get(0).json().path("text").asText()).contains("|Upgrade " + id + "> failed");
    }

    private String start(String version) throws Exception {
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"" + version + "\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        return body(accepted).path("id").asText();
    }

    /** Each body carries its valid signature; event ids rise. */
    private static void assertSigned(List<WebhookReceiver.Received> events) {
        long last = 0;
        for (WebhookReceiver.Received r : events) {
            assertThat(r.signature()).isEqualTo(Messages.signature(SECRET, r.body()));
            assertThat(r.json().path("type").asText()).isEqualTo(r.event());
            assertThat(Long.parseLong(r.delivery())).isEqualTo(r.json().path("id").asLong()).isGreaterThan(last);
            last = r.json().path("id").asLong();
        }
    }
}
