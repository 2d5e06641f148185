package io.upshift.kubernetes;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a StatefulSet counts as rolled out (as kubectl rollout status judges it), and which pods are stuck. */
class StatefulSetRulesTest {

    private static StatefulSet sts(int replicas, Integer partition, long generation, long observed, int ready,
            int updated, String current, String update) {
        return new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("platform")
                .withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewUpdateStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withPartition(partition).endRollingUpdate().endUpdateStrategy()
                .withNewTemplate().withNewSpec().addNewContainer().withName("db").withImage("db:1").endContainer()
                .endSpec().endTemplate().endSpec()
                .withNewStatus().withObservedGeneration(observed).withReplicas(replicas).withReadyReplicas(ready)
                .withUpdatedReplicas(updated).withCurrentRevision(current).withUpdateRevision(update).endStatus().build();
    }

    @Test
    void rolledOutNeedsTheGenerationObservedEveryPodReadyUpdatedAndTheRevisionMoved() {
        assertThat(StatefulSetRules.rolledOut(sts(3, 0, 2, 2, 3, 3, "db-b", "db-b"))).isTrue();
        assertThat(StatefulSetRules.rolledOut(sts(3, 0, 2, 1, 3, 3, "db-b", "db-b"))).as("generation not observed").isFalse();
        assertThat(StatefulSetRules.rolledOut(sts(3, 0, 2, 2, 2, 3, "db-b", "db-b"))).as("one not ready").isFalse();
        assertThat(StatefulSetRules.rolledOut(sts(3, 0, 2, 2, 3, 2, "db-a", "db-b"))).as("one not updated").isFalse();
        assertThat(StatefulSetRules.rolledOut(sts(3, 0, 2, 2, 3, 3, "db-a", "db-b"))).as("revision not moved").isFalse();
    }

    @Test
    void aPartitionNeedsOnlyThePodsAboveIt() {
        assertThat(StatefulSetRules.rolledOut(sts(3, 2, 2, 2, 3, 1, "db-a", "db-b"))).isTrue();
        assertThat(StatefulSetRules.rolledOut(sts(3, 2, 2, 2, 3, 0, "db-a", "db-b"))).isFalse();
        assertThat(StatefulSetRules.partition(sts(3, null, 1, 1, 3, 3, "a", "a"))).isZero();
    }

    @Test
    void theDeploymentShapedViewIsRolledOutExactlyWhenTheStatefulSetIs() {
        for (StatefulSet s : List.of(sts(3, 0, 2, 2, 3, 3, "db-b", "db-b"), sts(3, 0, 2, 2, 3, 3, "db-a", "db-b"),
                sts(3, 0, 2, 2, 2, 3, "db-b", "db-b"), sts(3, 2, 2, 2, 3, 1, "db-a", "db-b"),
                sts(3, 0, 2, 1, 3, 3, "db-b", "db-b"))) {
            var view = StatefulSetRules.asDeployment(s, 60);
            assertThat(DeploymentRules.rolledOut(view)).as(s.getStatus().toString()).isEqualTo(StatefulSetRules.rolledOut(s));
            assertThat(DeploymentRules.available(view)).isEqualTo(s.getStatus().getReadyReplicas());
            assertThat(DeploymentRules.progressDeadlineSeconds(view)).isEqualTo(60);
            assertThat(view.getSpec().getTemplate()).isEqualTo(s.getSpec().getTemplate());
        }
    }

    private static Pod pod(String name, String revision, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).withLabels(Map.of(StatefulSetRules.REVISION_LABEL, revision))
                .endMetadata().withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus().build();
    }

    @Test
    void stuckPodsAreTheUnreadyOnesAtARevisionNoLongerRolledTo() {
        StatefulSet reverted = sts(3, 0, 3, 3, 2, 2, "db-a", "db-a");
        List<Pod> pods = List.of(pod("db-0", "db-a", true), pod("db-1", "db-a", true), pod("db-2", "db-broken", false));
        assertThat(StatefulSetPods.stuck(reverted, pods)).containsExactly("db-2");
        // still rolling to the broken revision: its pod only waits, nothing is stuck
        StatefulSet rolling = sts(3, 0, 2, 2, 2, 1, "db-a", "db-broken");
        assertThat(StatefulSetPods.stuck(rolling, pods)).isEmpty();
        // the controller has not observed the revert yet: nothing decided
        assertThat(StatefulSetPods.stuck(sts(3, 0, 3, 2, 2, 2, "db-a", "db-a"), pods)).isEmpty();
    }
}
