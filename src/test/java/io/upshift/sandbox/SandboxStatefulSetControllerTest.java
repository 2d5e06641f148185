package io.upshift.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.upshift.kubernetes.StatefulSetRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sandbox's StatefulSet controller, through the real API of a running sandbox. */
class SandboxStatefulSetControllerTest {

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(dataDir, null);
        client = Sandbox.client(sandbox);
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.stop();
    }

    private static StatefulSet create(String name, int replicas) {
        client.apps().statefulSets().inNamespace(Sandbox.NS).resource(SandboxStatefulSets.statefulSet(name, Sandbox.NS,
                replicas, "db", "registry.upshift.local/db:1", null)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> StatefulSetRules.rolledOut(get(name)));
        return get(name);
    }

    private static StatefulSet get(String name) {
        return client.apps().statefulSets().inNamespace(Sandbox.NS).withName(name).get();
    }

    private static void patch(String name, String jsonPatch) {
        client.apps().statefulSets().inNamespace(Sandbox.NS).withName(name).patch(PatchContext.of(PatchType.JSON), jsonPatch);
    }

    private static String image(String tag) {
        return "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"registry.upshift.local/db:"
                + tag + "\"}]";
    }

    private static List<String> revisions(String name) {
        return client.pods().inNamespace(Sandbox.NS).withLabel("app", name).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                .map(p -> p.getMetadata().getName() + "@" + p.getMetadata().getLabels().get(StatefulSetRules.REVISION_LABEL))
                .toList();
    }

    @Test
    void createsPodsInOrdinalOrderAndReportsAStatusLikeTheRealController() {
        StatefulSet s = create("db-create", 3);
        assertThat(client.pods().inNamespace(Sandbox.NS).withLabel("app", "db-create").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("db-create-0", "db-create-1", "db-create-2");
        var st = s.getStatus();
        assertThat(st.getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
        assertThat(List.of(st.getReplicas(), st.getReadyReplicas(), st.getCurrentReplicas(), st.getUpdatedReplicas()))
                .containsOnly(3);
        assertThat(st.getCurrentRevision()).isEqualTo(st.getUpdateRevision()).startsWith("db-create-");
        Pod pod = client.pods().inNamespace(Sandbox.NS).withName("db-create-1").get();
        assertThat(pod.getMetadata().getLabels()).containsEntry(StatefulSetRules.REVISION_LABEL, st.getUpdateRevision())
                .containsEntry(StatefulSetRules.POD_NAME_LABEL, "db-create-1");
        assertThat(pod.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("StatefulSet");
    }

    @Test
    void rollsOnePodAtATimeHighestOrdinalFirst() {
        StatefulSet before = create("db-roll", 3);
        try (PodTimeline timeline = new PodTimeline(client, Sandbox.NS, "db-roll", 3)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> timeline.readyNow() == 3);
            patch("db-roll", image("2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                StatefulSet s = get("db-roll");
                return StatefulSetRules.rolledOut(s)
                        && !s.getStatus().getUpdateRevision().equals(before.getStatus().getUpdateRevision());
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> timeline.readyNow() == 3);
            assertThat(timeline.deleted()).as(timeline.events().toString()).containsExactly("db-roll-2", "db-roll-1", "db-roll-0");
            assertThat(timeline.minReady()).as(timeline.events().toString()).isEqualTo(2);
        }
        StatefulSet after = get("db-roll");
        assertThat(after.getStatus().getCurrentRevision()).isEqualTo(after.getStatus().getUpdateRevision());
        assertThat(after.getStatus().getCurrentReplicas()).isEqualTo(3);
        assertThat(after.getStatus().getObservedGeneration()).isEqualTo(after.getMetadata().getGeneration());
        assertThat(revisions("db-roll")).allMatch(r -> r.endsWith("@" + after.getStatus().getUpdateRevision()));
    }

    @Test
    void aPartitionKeepsTheLowerOrdinalsAtTheCurrentRevision() {
        StatefulSet before = create("db-part", 3);
        String old = before.getStatus().getCurrentRevision();
        patch("db-part", "[{\"op\":\"replace\",\"path\":\"/spec/updateStrategy/rollingUpdate/partition\",\"value\":2},"
                + image("2").substring(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> StatefulSetRules.rolledOut(get("db-part"))
                && !old.equals(get("db-part").getStatus().getUpdateRevision()));
        StatefulSet s = get("db-part");
        assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(1);
        assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(2);
        assertThat(s.getStatus().getCurrentRevision()).isEqualTo(old);
        assertThat(revisions("db-part")).containsExactly("db-part-0@" + old, "db-part-1@" + old,
                "db-part-2@" + s.getStatus().getUpdateRevision());
    }

    @Test
    void aBrokenImageStopsTheRollAndDeletingItsPodAfterRevertingFinishesIt() {
        StatefulSet before = create("db-broken", 3);
        patch("db-broken", image("broken"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(Sandbox.NS).withName("db-broken-2")
                .get().getMetadata().getLabels().get(StatefulSetRules.REVISION_LABEL)
                .equals(get("db-broken").getStatus().getUpdateRevision()));
        assertThat(StatefulSetRules.rolledOut(get("db-broken"))).isFalse();
        assertThat(get("db-broken").getStatus().getReadyReplicas()).isEqualTo(2);
        // reverted: the broken pod stays, as Kubernetes keeps it, until it is deleted
        patch("db-broken", image("1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> get("db-broken").getStatus().getUpdateRevision()
                .equals(before.getStatus().getUpdateRevision()));
        assertThat(StatefulSetRules.rolledOut(get("db-broken"))).isFalse();
        client.pods().inNamespace(Sandbox.NS).withName("db-broken-2").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> StatefulSetRules.rolledOut(get("db-broken")));
        assertThat(revisions("db-broken")).allMatch(r -> r.endsWith("@" + before.getStatus().getUpdateRevision()));
    }

    @Test
    void scalesDownHighestOrdinalFirstAndBackUp() {
        create("db-scale", 3);
        patch("db-scale", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> StatefulSetRules.scaledDown(get("db-scale")));
        assertThat(client.pods().inNamespace(Sandbox.NS).withLabel("app", "db-scale").list().getItems()).isEmpty();
        patch("db-scale", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> StatefulSetRules.rolledOut(get("db-scale")));
        assertThat(get("db-scale").getStatus().getReadyReplicas()).isEqualTo(3);
    }
}
