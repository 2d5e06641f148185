package io.upshift.kubernetes;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.upshift.version.ServiceTemplate;

/**
 * A service an upgrade creates or retires, rather than changes in place (null for those). A
 * {@link Kind#CREATE} carries the version config's {@code template}; a {@link Kind#RETIRE} carries
 * {@code prune} and, when it prunes, the Deployment and Service as they were before (their
 * server-set fields removed), so a rollback can create them again with their replicas. The
 * rollback of either is its {@link #undo}. The captured objects are kept as their JSON documents
 * (the record's API shows them as the Kubernetes API does, without the Kubernetes model in its schema).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceChange(Kind kind, ServiceTemplate template, boolean prune, Map<String, Object> deployment,
        Map<String, Object> service) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };

    public enum Kind {
        /** Created from its template (Deployment, Service, ConfigMaps), in dependency order, waited until ready. */
        CREATE,
        /** Scaled to 0 once its dependents moved; with {@code prune}, its Deployment and Service deleted. */
        RETIRE,
        /** The rollback of a CREATE: what the upgrade created is deleted. */
        REMOVE_CREATED,
        /** The rollback of a RETIRE: created again when pruned, scaled back to its replicas. */
        RESTORE_RETIRED
    }

    public static ServiceChange create(ServiceTemplate template) {
        return new ServiceChange(Kind.CREATE, template, false, null, null);
    }

    public static ServiceChange retire(boolean prune, Deployment before, Service serviceBefore) {
        return new ServiceChange(Kind.RETIRE, null, prune, prune ? document(before) : null,
                prune ? document(serviceBefore) : null);
    }

    /** The Deployment captured before it was pruned, or null. */
    @JsonIgnore
    public Deployment capturedDeployment() {
        return deployment == null ? null : JSON.convertValue(deployment, Deployment.class);
    }

    /** Its Service captured before it was pruned, or null. */
    @JsonIgnore
    public Service capturedService() {
        return service == null ? null : JSON.convertValue(service, Service.class);
    }

    private static Map<String, Object> document(Object kubernetesObject) {
        return kubernetesObject == null ? null : JSON.convertValue(kubernetesObject, DOCUMENT);
    }

    /** What a rollback does to this service. */
    public ServiceChange undo() {
        return switch (kind) {
            case CREATE -> new ServiceChange(Kind.REMOVE_CREATED, template, prune, deployment, service);
            case RETIRE -> new ServiceChange(Kind.RESTORE_RETIRED, template, prune, deployment, service);
            case REMOVE_CREATED -> new ServiceChange(Kind.CREATE, template, prune, deployment, service);
            case RESTORE_RETIRED -> new ServiceChange(Kind.RETIRE, template, prune, deployment, service);
        };
    }

    @JsonIgnore
    public boolean creates() {
        return kind == Kind.CREATE;
    }

    @JsonIgnore
    public boolean retires() {
        return kind == Kind.RETIRE;
    }

    /** Its workload is gone once the step is done (retired with prune, or created and removed again). */
    @JsonIgnore
    public boolean deletes() {
        return kind == Kind.REMOVE_CREATED || (kind == Kind.RETIRE && prune);
    }
}
