package io.upshift.cluster;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * The Pod that stands for an Upshift process where no kubelet runs one: camel-kubernetes' cluster
 * service counts as members only the running, ready Pods with the cluster labels, and lets a
 * member lead only while its Pod is one of them. The sandbox cluster has no kubelet, so a process
 * in sandbox mode creates its own (and the tests write the Pods of the processes they start, the
 * way the kubelet reports them).
 */
public final class MemberPod {

    private MemberPod() {
    }

    /** Labels from the {@code upshift.leader.pod-labels} form: {@code key=value[,key=value...]}. */
    public static Map<String, String> labels(String setting) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : setting.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("upshift.leader.pod-labels: \"" + pair.trim() + "\" is not key=value");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("upshift.leader.pod-labels: at least one key=value is needed");
        }
        return labels;
    }

    /** A Pod as the kubelet reports it: running, and ready or not. */
    public static Pod of(String name, String namespace, Map<String, String> labels, boolean ready, Instant now) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("upshift").withImage("upshift").endContainer().endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .withLastTransitionTime(now.toString()).endCondition()
                .endStatus()
                .build();
    }
}
