package io.upshift.kubernetes;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Puts a service's ConfigMaps at a spec's data, before its workload rolls: an existing one by a JSON
 * patch guarded by a {@code test} of its resourceVersion (a concurrent edit fails the step instead of
 * being overwritten), a missing one created, one the spec says was absent (a rollback) deleted. A
 * ConfigMap already at its data is left alone, so a step run again changes nothing.
 */
final class ConfigMaps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final String service;

    ConfigMaps(KubernetesClient client, String namespace, String service) {
        this.client = client;
        this.namespace = namespace;
        this.service = service;
    }

    /** @return how many ConfigMaps were changed */
    int apply(WorkloadSpec spec, String upgradeId) {
        int changed = 0;
        for (Map.Entry<String, Map<String, String>> e : spec.configMaps().entrySet()) {
            var resource = client.configMaps().inNamespace(namespace).withName(e.getKey());
            ConfigMap now = resource.get();
            Map<String, String> data = e.getValue();
            if (WorkloadSpec.sameData(data, now)) {
                continue;
            }
            if (data == null) {
                resource.delete();
            } else if (now == null) {
                client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                        .withName(e.getKey()).withNamespace(namespace)
                        .addToLabels("app.kubernetes.io/managed-by", "upshift")
                        .addToAnnotations(Rollouts.UPGRADE_ID, upgradeId == null ? "" : upgradeId)
                        .addToAnnotations("upshift.io/service", service)
                        .endMetadata().withData(data).build()).create();
            } else {
                ArrayNode patch = JSON.createArrayNode();
                patch.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
                        .put("value", now.getMetadata().getResourceVersion());
                patch.addObject().put("op", "add").put("path", "/data").set("value", JSON.valueToTree(data));
                resource.patch(PatchContext.of(PatchType.JSON), patch.toString());
            }
            changed++;
        }
        return changed;
    }
}
