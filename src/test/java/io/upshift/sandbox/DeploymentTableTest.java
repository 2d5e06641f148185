package io.upshift.sandbox;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeploymentTableTest {

    @Test
    void agesReadLikeKubectls() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(DeploymentTable.age("2026-11-25T11:59:15Z", now)).isEqualTo("45s");
        assertThat(DeploymentTable.age("2026-11-25T11:48:00Z", now)).isEqualTo("12m");
        assertThat(DeploymentTable.age("2026-11-25T07:00:00Z", now)).isEqualTo("5h");
        assertThat(DeploymentTable.age("2026-11-22T12:00:00Z", now)).isEqualTo("3d");
        assertThat(DeploymentTable.age(null, now)).isEqualTo("<unknown>");
    }

    @Test
    void onlyTableRequestsGetATable() {
        assertThat(DeploymentTable.wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")).isTrue();
        assertThat(DeploymentTable.wanted("application/json")).isFalse();
        assertThat(DeploymentTable.wanted(null)).isFalse();
    }
}
