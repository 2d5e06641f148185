package io.upshift.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * A step's requests for its Deployment, as few as it takes: one PATCH, and no GET once the
 * namespace's shared informer (the one its wait watches) has synced and its watch is up.
 * <ul>
 * <li>{@link #read}: from the informer's cache; from the API server while the informer is not
 * current, and when the cache holds no such Deployment (not there, or created an instant ago). A
 * copy from the cache may trail the server by an event: nothing decided from it can do harm, since
 * the patch that follows is guarded by a {@code test} of the container's name and the wait targets
 * the generation the patch answers with.</li>
 * <li>{@link #patch}: a JSON patch sent as it is (fabric8's {@code withName(…).patch(…)} GETs the
 * Deployment first to learn what it patches).</li>
 * </ul>
 */
final class DeploymentRequests {

    /** The API server's side of a kind: a GET (null when absent) and a JSON PATCH, both answering a Deployment (or view). */
    interface Server {
        Deployment get(String namespace, String name);

        Deployment patch(String namespace, String name, String jsonPatch);
    }

    private final DeploymentWatches watches;
    private final Server server;

    DeploymentRequests(KubernetesClient client, DeploymentWatches watches) {
        this(watches, new Server() {
            @Override
            public Deployment get(String namespace, String name) {
                return client.apps().deployments().inNamespace(namespace).withName(name).get();
            }

            @Override
            public Deployment patch(String namespace, String name, String jsonPatch) {
                // a reference of our own: fabric8 sets fields of the item it is given, and the cache's copies are shared
                Deployment reference = new DeploymentBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                        .endMetadata().build();
                return client.apps().deployments().inNamespace(namespace).resource(reference)
                        .patch(PatchContext.of(PatchType.JSON), jsonPatch);
            }
        });
    }

    /** The same requests for StatefulSets: their views ({@link StatefulSetRules#asDeployment}) from their watches' informer. */
    static DeploymentRequests statefulSets(KubernetesClient client, StatefulSetWatches watches) {
        return new DeploymentRequests(watches, new Server() {
            @Override
            public Deployment get(String namespace, String name) {
                StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
                return s == null ? null : watches.view(s);
            }

            @Override
            public Deployment patch(String namespace, String name, String jsonPatch) {
                StatefulSet reference = new StatefulSetBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                        .endMetadata().build();
                return watches.view(client.apps().statefulSets().inNamespace(namespace).resource(reference)
                        .patch(PatchContext.of(PatchType.JSON), jsonPatch));
            }
        });
    }

    private DeploymentRequests(DeploymentWatches watches, Server server) {
        this.watches = watches;
        this.server = server;
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
        return readFromServer(namespace, name);
    }

    /** From the API server, whatever the cache holds (to confirm what a cached copy seems to say). */
    Deployment readFromServer(String namespace, String name) {
        Deployment d = server.get(namespace, name);
        if (d == null) {
            throw new DeploymentNotFoundException(namespace, name);
        }
        return d;
    }

    /** The Deployment as the API server answers the patch. */
    Deployment patch(String namespace, String name, String jsonPatch) {
        return server.patch(namespace, name, jsonPatch);
    }
}
