package io.upshift.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * A step's requests for its StatefulSet, as {@link DeploymentRequests} makes them for a Deployment:
 * reads from the shared informer once it is current, one JSON PATCH. Both answer the Deployment-shaped
 * view the step reasons about ({@link StatefulSetRules#asDeployment}).
 */
final class StatefulSetRequests {

    private final KubernetesClient client;
    private final StatefulSetWatches watches;

    StatefulSetRequests(KubernetesClient client, StatefulSetWatches watches) {
        this.client = client;
        this.watches = watches;
    }

    /** Blocks for the informer's first list when the namespace has none yet: call it from a worker. */
    Deployment read(String namespace, String name) {
        watches.ensureInformer(namespace);
        if (watches.current(namespace)) {
            Deployment cached = watches.cached(namespace + "/" + name);
            if (cached != null) {
                return cached;
            }
        }
        StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        if (s == null) {
            throw new DeploymentNotFoundException(namespace, name);
        }
        return watches.view(s);
    }

    /** The StatefulSet's view as the API server answers the patch. */
    Deployment patch(String namespace, String name, String jsonPatch) {
        StatefulSet reference = new StatefulSetBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .endMetadata().build();
        return watches.view(client.apps().statefulSets().inNamespace(namespace).resource(reference)
                .patch(PatchContext.of(PatchType.JSON), jsonPatch));
    }
}
