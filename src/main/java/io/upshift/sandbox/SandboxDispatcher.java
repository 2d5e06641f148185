package io.upshift.sandbox;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The CRUD dispatcher plus the API discovery documents kubectl reads before anything else
 * ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/apps/v1}); the CRUD dispatcher alone
 * answers those paths with object lists, so kubectl would find no resource types. Once the cluster
 * is up it also answers what no CRUD store holds: the service proxy ({@link SandboxServiceProxy})
 * and the logs of Jobs' pods ({@link SandboxJobController}).
 */
class SandboxDispatcher extends KubernetesCrudDispatcher {

    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");

    /** The mock server records every request it receives; the sandbox keeps at most the latest this many. */
    static final int MAX_RECORDED = 20_000;
    private static final Pattern POD_LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log(\\?.*)?");
    private static final Pattern TAIL_LINES = Pattern.compile("[?&]tailLines=(\\d+)");

    private final ObjectMapper json = new ObjectMapper();
    private volatile SandboxServiceProxy proxy;
    private volatile SandboxJobController jobs;

    private final MockWebServer recorder;
    private final AtomicInteger recorded = new AtomicInteger();
    private volatile FaultInjector faults = new FaultInjector();
    private final int maxRecorded;

    SandboxDispatcher(MockWebServer recorder) {
        this(recorder, MAX_RECORDED);
    }

    SandboxDispatcher(MockWebServer recorder, int maxRecorded) {
        this.recorder = recorder;
        this.maxRecorded = maxRecorded;
    }

    /** The caller took this many recorded requests (SandboxCluster.takeRequests). */
    void taken(int count) {
        recorded.addAndGet(-count);
    }

    /** The fault layer every request passes through (off unless faults are set). */
    void faults(FaultInjector injector) {
        this.faults = injector;
    }

    /** Called once the cluster's client runs: the proxy and the pod logs read its caches. */
    void connect(SandboxServiceProxy serviceProxy, SandboxJobController jobController) {
        this.proxy = serviceProxy;
        this.jobs = jobController;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (recorded.incrementAndGet() > maxRecorded) { // recorded before dispatch: drop the oldest
            try {
                if (recorder.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                    recorded.decrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var fault = faults.intercept(request);
        return fault.isPresent() ? fault.get() : faults.decorate(request, answer(request));
    }

    private MockResponse answer(RecordedRequest request) {
        String requested = request.getPath() == null ? "" : request.getPath();
        SandboxServiceProxy serviceProxy = proxy;
        if (serviceProxy != null) {
            var answer = serviceProxy.answer(requested);
            if (answer.isPresent()) {
                return new MockResponse().setResponseCode(answer.get().status())
                        .setHeader("Content-Type", "text/plain; charset=utf-8").setBody(answer.get().body());
            }
        }
        if ("GET".equals(request.getMethod())) {
            MockResponse log = podLog(requested);
            if (log != null) {
                return log;
            }
            String path = request.getPath();
            int query = path.indexOf('?');
            Object document = discovery(query < 0 ? path : path.substring(0, query));
            if (document != null) {
                return document(200, document);
            }
            String resource = query < 0 ? path : path.substring(0, query);
            if (DeploymentTable.wanted(request.getHeader("Accept")) && resource.matches(DEPLOYMENTS)
                    && !path.contains("watch=")) {
                return table(super.dispatch(request));
            }
        }
        try {
            return super.dispatch(request);
        } catch (io.fabric8.zjsonpatch.JsonPatchException e) {
            // the CRUD dispatcher never answers a JSON patch whose test op fails; an API server answers 422
            return document(422, new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure")
                    .withReason("Invalid").withCode(422).withMessage(e.getMessage()).build());
        }
    }

    private MockResponse document(int status, Object document) {
        try {
            return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                    .setBody(json.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            return new MockResponse().setResponseCode(500).setBody(e.getMessage());
        }
    }

    /** A Job pod's log ({@code tailLines} honoured), 404 for a pod that ran no Job here; null: not a log path. */
    private MockResponse podLog(String path) {
        Matcher m = POD_LOG.matcher(path);
        SandboxJobController jobController = jobs;
        if (!m.matches() || jobController == null) {
            return null;
        }
        var log = jobController.log(m.group(1), m.group(2));
        if (log.isEmpty()) {
            return document(404, new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure")
                    .withReason("NotFound").withCode(404).withMessage("pods \"" + m.group(2) + "\" not found").build());
        }
        String text = log.get();
        Matcher tail = TAIL_LINES.matcher(m.group(3) == null ? "" : m.group(3));
        if (tail.find()) {
            List<String> lines = text.lines().toList();
            int n = Math.min(lines.size(), Integer.parseInt(tail.group(1)));
            text = lines.subList(lines.size() - n, lines.size()).stream().map(l -> l + "\n").reduce("", String::concat);
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(text);
    }

    /** The stored Deployment(s) as the Table kubectl asked for; errors pass through as they are. */
    private MockResponse table(MockResponse stored) {
        if (stored.code() != 200) {
            return stored;
        }
        try {
            JsonNode document = json.readTree(stored.getBody().readUtf8());
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody(json.writeValueAsString(DeploymentTable.of(document, json, java.time.Instant.now())));
        } catch (JsonProcessingException e) {
            return new MockResponse().setResponseCode(500).setBody(e.getMessage());
        }
    }

    /** Deployments of all namespaces, of one, or one Deployment. */
    private static final String DEPLOYMENTS = "/apis/apps/v1/(namespaces/[^/]+/)?deployments(/[^/]+)?";

    private static Object discovery(String path) {
        return switch (path) {
            case "/api", "/api/" -> new APIVersionsBuilder().withVersions("v1").build();
            case "/apis", "/apis/" -> new APIGroupListBuilder()
                    .withGroups(group("apps"), group("coordination.k8s.io"), group("rbac.authorization.k8s.io"), group("policy"),
                            group("batch"))
                    .build();
            case "/api/v1" -> new APIResourceListBuilder().withGroupVersion("v1")
                    .withResources(resource("namespaces", "Namespace", false, "ns"),
                            resource("pods", "Pod", true, "po"), subresource("pods/log", "Pod"),
                            resource("services", "Service", true, "svc"), subresource("services/proxy", "ServiceProxyOptions"),
                            resource("configmaps", "ConfigMap", true, "cm"), resource("secrets", "Secret", true),
                            resource("serviceaccounts", "ServiceAccount", true, "sa"),
                            resource("events", "Event", true, "ev"))
                    .build();
            case "/apis/apps/v1" -> new APIResourceListBuilder().withGroupVersion("apps/v1")
                    .withResources(resource("deployments", "Deployment", true, "deploy"),
                            subresource("deployments/status", "Deployment"), subresource("deployments/scale", "Scale"),
                            resource("replicasets", "ReplicaSet", true, "rs"),
                            resource("statefulsets", "StatefulSet", true, "sts"),
                            resource("daemonsets", "DaemonSet", true, "ds"))
                    .build();
            // what Upshift's install (deploy/) and its leader election use
            case "/apis/coordination.k8s.io/v1" -> new APIResourceListBuilder().withGroupVersion("coordination.k8s.io/v1")
                    .withResources(resource("leases", "Lease", true)).build();
            case "/apis/rbac.authorization.k8s.io/v1" -> new APIResourceListBuilder()
                    .withGroupVersion("rbac.authorization.k8s.io/v1")
                    .withResources(resource("roles", "Role", true), resource("rolebindings", "RoleBinding", true))
                    .build();
            case "/apis/batch/v1" -> new APIResourceListBuilder().withGroupVersion("batch/v1")
                    .withResources(resource("jobs", "Job", true), subresource("jobs/status", "Job")).build();
            case "/apis/policy/v1" -> new APIResourceListBuilder().withGroupVersion("policy/v1")
                    .withResources(resource("poddisruptionbudgets", "PodDisruptionBudget", true, "pdb")).build();
            default -> null;
        };
    }

    private static APIGroup group(String name) {
        GroupVersionForDiscovery v1 = new GroupVersionForDiscovery(name + "/v1", "v1");
        return new APIGroupBuilder().withName(name).withVersions(v1).withPreferredVersion(v1).build();
    }

    private static APIResource resource(String name, String kind, boolean namespaced, String... shortNames) {
        return new APIResourceBuilder().withName(name).withSingularName(kind.toLowerCase()).withKind(kind)
                .withNamespaced(namespaced).withVerbs(VERBS).withShortNames(shortNames).build();
    }

    private static APIResource subresource(String name, String kind) {
        return new APIResourceBuilder().withName(name).withSingularName("").withKind(kind).withNamespaced(true)
                .withVerbs("get", "patch", "update").build();
    }
}
