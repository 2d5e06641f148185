package io.upshift.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Someone else" ({@link SandboxFaults.ForeignEdit}): changes a Deployment's first container image,
 * or its replicas, as {@code kubectl set image} or an HorizontalPodAutoscaler would, through the API
 * (so the generation rises and every watcher sees it).
 */
final class ForeignEditor {

    private static final Logger LOG = LoggerFactory.getLogger(ForeignEditor.class);

    private final KubernetesClient client;
    private final ObjectMapper json = new ObjectMapper();

    ForeignEditor(KubernetesClient client) {
        this.client = client;
    }

    /** Edits {@code namespace/name} as {@code edit} says. */
    void edit(String key, SandboxFaults.ForeignEdit edit) {
        String namespace = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        var resource = client.apps().deployments().inNamespace(namespace).withName(name);
        Deployment d = resource.get();
        if (d == null) {
            LOG.warn("Sandbox fault: no Deployment {} to edit", key);
            return;
        }
        ArrayNode patch = json.createArrayNode();
        ObjectNode op = patch.addObject().put("op", "replace");
        if (edit.image() != null) {
            op.put("path", "/spec/template/spec/containers/0/image").put("value", edit.image());
        } else {
            op.put("path", "/spec/replicas").put("value", edit.replicas());
        }
        resource.patch(PatchContext.of(PatchType.JSON), patch.toString());
        LOG.info("Sandbox fault: someone else set the {} of Deployment {} to {}", edit.image() != null ? "image" : "replicas",
                key, edit.image() != null ? edit.image() : edit.replicas());
    }
}
