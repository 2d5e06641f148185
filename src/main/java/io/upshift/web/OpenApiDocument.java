package io.upshift.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.upshift.ErrorBody;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VersionConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.OpenApiHelper;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of the REST DSL, read by Camel's
 * {@link RestOpenApiReader} from the rest definitions (paths, parameters, request and response
 * types, route-specific refusals, Basic and Bearer security) and completed with what the routes
 * cannot say themselves:
 * <ul>
 * <li>the access layer's answers on every operation: 401, 429, 500 (and 403 on changes), each an
 *     {@link ErrorBody};</li>
 * <li>no login on the two public documents (this one and the version-config JSON Schema);</li>
 * <li>YAML beside JSON for the uploads that take either;</li>
 * <li>the version configuration as a reference to its JSON Schema, served at
 *     {@value #VERSION_CONFIG_SCHEMA}, instead of a copy derived from the Java record.</li>
 * </ul>
 * Generated once, on first request (rest definitions do not change while Upshift runs).
 */
public class OpenApiDocument {

    public static final String PATH = "/api/openapi.json";
    public static final String VERSION_CONFIG_SCHEMA = "/api/schemas/version-config.schema.json";
    private static final Set<String> PUBLIC = Set.of(PATH, VERSION_CONFIG_SCHEMA);
    /**
     * Uploads read as YAML or JSON (io.upshift.intake.DocumentKind). Not declared as the verbs'
     * {@code consumes}: platform-http would then answer other types itself, with an empty 415, before
     * the route's own 415 that says which types to send.
     */
    private static final Set<String> YAML_OR_JSON = Set.of("api-upload-version", "api-post-upgrade", "api-create-schedule");
    private static final String ERROR = "#/components/schemas/" + ErrorBody.class.getSimpleName();

    /** The API's own version (info.version), raised when a change breaks clients. */
    private static final String API_VERSION = "1.0";

    private final CamelContext camel;
    private volatile String json;

    public OpenApiDocument(CamelContext camel) {
        this.camel = camel;
    }

    public String json() throws Exception {
        String document = json;
        if (document == null) {
            BeanConfig config = new BeanConfig();
            config.setVersion("3.1");
            config.setDefaultConsumes("application/json");
            config.setDefaultProduces("application/json");
            config.setInfo(new Info().title("Upshift API").version(API_VERSION).description(
                    "Zero-downtime upgrades of a multi-service platform on Kubernetes: version configurations, "
                    + "upgrades and their records, upgrade windows, API tokens. Log in with HTTP Basic (people) "
                    + "or an API token (Authorization: Bearer, from POST /api/tokens)."));
            OpenAPI api = new RestOpenApiReader().read(camel, new RestOpenApiSupport().getRestDefinitions(camel), config,
                    camel.getName(), camel.getClassResolver());
            complete(api);
            document = RestOpenApiSupport.getJsonFromOpenAPIAsString(api, config);
            json = document;
        }
        return document;
    }

    /** The version-config JSON Schema, as shipped (the one the parser validates with). */
    public String versionConfigSchema() {
        try (InputStream in = getClass().getResourceAsStream("/schema/version-config.schema.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void complete(OpenAPI api) {
        api.setOpenapi("3.1.0"); // the reader writes "3.1", which is no OpenAPI version
        @SuppressWarnings("rawtypes")
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        schemas.put(VersionConfig.class.getSimpleName(), new Schema<>().$ref(VERSION_CONFIG_SCHEMA)
                .description("A version configuration: see its JSON Schema"));
        schemas.remove(ServiceSpec.class.getSimpleName());
        OpenApiHelper.clearVendorExtensions(api);
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (PUBLIC.contains(path)) {
                operation.setSecurity(List.of()); // no login
                return;
            }
            if (YAML_OR_JSON.contains(operation.getOperationId()) && operation.getRequestBody() != null) {
                Content content = operation.getRequestBody().getContent();
                content.addMediaType("application/yaml", new MediaType().schema(content.get("application/json").getSchema()));
            }
            refusal(operation, "401", "not logged in, or a wrong password or token");
            if (method != PathItem.HttpMethod.GET) {
                refusal(operation, "403", "needs the operator role (or a CSRF token with a console session)");
            }
            refusal(operation, "429", "too many failed logins or tokens from this address or for this user");
            refusal(operation, "500", "internal error: the log has the details under the reference given");
        }));
    }

    private static void refusal(Operation operation, String code, String description) {
        if (operation.getResponses().get(code) == null) {
            operation.getResponses().addApiResponse(code, new ApiResponse().description(description)
                    .content(new Content().addMediaType("application/json", new MediaType().schema(new Schema<>().$ref(ERROR)))));
        }
    }
}
