package io.upshift.upgrade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.upshift.config.JsonConfiguration;
import io.upshift.lifecycle.Waits;
import io.upshift.store.Jdbc;
import io.upshift.store.UpgradeRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 18: {@code GET /api/upgrades/{id}} of an ended upgrade copies its services' stored documents
 * into the answer instead of reading each into an object and writing it out again; the answer is the
 * same JSON the typed record gives.
 */
class RecordJsonTest {

    private final HikariDataSource dataSource = TestDatabase.create(2);
    private final ObjectMapper json = new JsonConfiguration().jsonMapper();
    private final Jdbc jdbc = new Jdbc(dataSource);
    private final UpgradeRecords store = new UpgradeRecords(jdbc, json);
    private final RecordJson recordJson = new RecordJson(json, store);
    private final Instant at = Instant.parse("2026-11-28T01:00:00Z");

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void anEndedUpgradeReadsAsTheTypedRecordWritesIt() throws Exception {
        UpgradeRecord record = upgrade("u-ended", 30).running(at, Phase.ROLLING, "upgrading")
                .mapServices(s -> s.name().endsWith("7") ? s.with(ServiceState.FAILED, "broken")
                        : s.with(ServiceState.SUCCEEDED, "rolled"))
                .ended(UpgradeState.FAILED, at.plusSeconds(9), "a service failed");
        store.create(record, null);

        JsonNode answer = json.readTree(recordJson.write(store.findStored("u-ended").orElseThrow()).json());

        assertThat(answer).isEqualTo(json.valueToTree(Waits.explain(store.find("u-ended").orElseThrow())));
        assertThat(answer.path("progress").path("completed").asInt()).as("27 of 30 succeeded").isEqualTo(27);
        assertThat(answer.path("services")).hasSize(30);
        assertThat(answer.path("services").get(0).path("name").asText()).isEqualTo("service-00");
    }

    @Test
    void anActiveUpgradeSaysWhatEachWaitingServiceWaitsFor() throws Exception {
        store.create(upgrade("u-active", 4).running(at, Phase.ROLLING, "upgrading"), null);

        JsonNode answer = json.readTree(recordJson.write(store.findStored("u-active").orElseThrow()).json());

        assertThat(answer).isEqualTo(json.valueToTree(Waits.explain(store.find("u-active").orElseThrow())));
        assertThat(answer.path("services").get(1).path("message").asText()).isEqualTo("waiting for service-00");
    }

    @Test
    void anEndedUpgradesServicesAreNotReadIntoObjects() throws Exception {
        store.create(upgrade("u-odd", 3).ended(UpgradeState.SUCCEEDED, at, "done"), null);
        // a stored document the typed read cannot take (replicas is a number there): copied, not read
        jdbc.update("UPDATE upgrade_service SET document = ? WHERE upgrade_id = ? AND position = 1",
                "{\"name\":\"service-01\",\"state\":\"SUCCEEDED\",\"replicas\":\"two\"}", "u-odd");

        assertThatThrownBy(() -> store.find("u-odd")).as("the typed read").isInstanceOf(IllegalStateException.class);
        JsonNode answer = json.readTree(recordJson.write(store.findStored("u-odd").orElseThrow()).json());
        assertThat(answer.path("services").get(1).path("replicas").asText()).isEqualTo("two");
        assertThat(answer.path("progress").path("completed").asInt()).isEqualTo(1);
    }

    /** {@code services} services in a chain, each depending on the one before. */
    private UpgradeRecord upgrade(String id, int services) {
        List<ServiceProgress> lines = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            String name = String.format("service-%02d", s);
            lines.add(new ServiceProgress(name, "platform", name, null,
                    s == 0 ? List.of() : List.of(String.format("service-%02d", s - 1)), ServiceState.PENDING,
                    "registry.local/" + name + ":1", "registry.local/" + name + ":2", 2, null, null, null, null, null,
                    List.of(), null, null, null));
        }
        return UpgradeRecord.accepted(id, "5.1.2.02", "5.1.2.04", UpgradeMode.ZERO_DOWNTIME, UpgradeMode.ZERO_DOWNTIME,
                "same 5.1.2 line", "http", "test", at, lines, null, 4, null, false);
    }
}
