package io.upshift.sandbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The API server's service proxy ({@code /api/v1/namespaces/{ns}/services/{name}:{port}/proxy/{path}})
 * as the sandbox answers it: from the state of the Deployments the Service selects, read from
 * informer caches (no request back to the server). While at least one selected replica is available
 * a path answers 200 (or the status the Deployment's {@value #STATUS_ANNOTATION} annotation gives it,
 * e.g. {@code /healthz=500,/ready=404}); while none is, 503 as the API server says when a Service has
 * no endpoints. Nothing else of a real proxy (headers, bodies, methods) is simulated.
 */
final class SandboxServiceProxy implements AutoCloseable {

    /** {@code path=status[,path=status…]}: the status a path answers while the Deployment is available. */
    public static final String STATUS_ANNOTATION = "upshift.io/proxy-status";

    private static final Pattern PROXY = Pattern
            .compile("/api/v1/namespaces/([^/]+)/services/([^/]+)/proxy(/[^?]*)?(\\?.*)?");

    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Deployment> deployments;

    /** One answer: a status and a plain-text body. */
    record Answer(int status, String body) {
    }

    SandboxServiceProxy(KubernetesClient client) {
        services = client.services().inAnyNamespace().inform();
        deployments = client.apps().deployments().inAnyNamespace().inform();
    }

    /** The answer to a proxy request, or empty when {@code path} is no service proxy path. */
    Optional<Answer> answer(String path) {
        Matcher m = PROXY.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        String namespace = m.group(1);
        String[] target = m.group(2).split(":");
        // name, name:port or scheme:name:port, as kubectl and the API server write it
        String name = target.length == 3 ? target[1] : target[0];
        String port = target.length == 3 ? target[2] : target.length == 2 ? target[1] : null;
        String subpath = m.group(3) == null ? "/" : m.group(3);
        Service service = services.getStore().getByKey(namespace + "/" + name);
        if (service == null) {
            return Optional.of(new Answer(404, "services \"" + name + "\" not found"));
        }
        if (port != null && !hasPort(service, port)) {
            return Optional.of(new Answer(503, "no service port " + port + " on service \"" + name + "\""));
        }
        List<Deployment> selected = selected(service);
        int available = selected.stream().mapToInt(d -> d.getStatus() == null || d.getStatus()
                .getAvailableReplicas() == null ? 0 : d.getStatus().getAvailableReplicas()).sum();
        if (available < 1) {
            return Optional.of(new Answer(503, "no endpoints available for service \"" + name + "\""));
        }
        for (Deployment d : selected) {
            Integer status = statuses(d).get(subpath);
            if (status != null) {
                return Optional.of(new Answer(status, "sandbox: " + subpath + " answers " + status + " ("
                        + STATUS_ANNOTATION + " on " + d.getMetadata().getName() + ")"));
            }
        }
        return Optional.of(new Answer(200, "ok: " + name + subpath + " (" + available + " available)"));
    }

    private static boolean hasPort(Service service, String port) {
        List<ServicePort> ports = service.getSpec() == null ? List.of() : service.getSpec().getPorts();
        return ports == null || ports.isEmpty() || ports.stream().anyMatch(p -> port.equals(p.getName())
                || port.equals(String.valueOf(p.getPort())));
    }

    private List<Deployment> selected(Service service) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return List.of();
        }
        String namespace = service.getMetadata().getNamespace();
        return deployments.getStore().list().stream()
                .filter(d -> namespace.equals(d.getMetadata().getNamespace()))
                .filter(d -> {
                    Map<String, String> labels = d.getSpec().getTemplate().getMetadata() == null ? null
                            : d.getSpec().getTemplate().getMetadata().getLabels();
                    return labels != null && labels.entrySet().containsAll(selector.entrySet());
                })
                .toList();
    }

    private static Map<String, Integer> statuses(Deployment d) {
        Map<String, String> annotations = d.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(STATUS_ANNOTATION);
        Map<String, Integer> statuses = new HashMap<>();
        if (value == null || value.isBlank()) {
            return statuses;
        }
        for (String entry : value.split(",")) {
            int eq = entry.lastIndexOf('=');
            if (eq > 0) {
                try {
                    statuses.put(entry.substring(0, eq).trim(), Integer.parseInt(entry.substring(eq + 1).trim()));
                } catch (NumberFormatException e) {
                    // an entry that names no status is ignored, as a controller ignores a bad annotation
                }
            }
        }
        return statuses;
    }

    @Override
    public void close() {
        services.close();
        deployments.close();
    }
}
