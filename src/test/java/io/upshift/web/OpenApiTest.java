package io.upshift.web;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.upshift.UpshiftTestSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/openapi.json: served without login, valid OpenAPI, and complete against the REST DSL. */
class OpenApiTest extends UpshiftTestSupport {

    private SwaggerParseResult parse(boolean resolve) throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(resolve);
        options.setResolveFully(resolve);
        // by URL: relative references (the version-config JSON Schema) are fetched from the running server
        return new OpenAPIParser().readLocation(uri(OpenApiDocument.PATH).toString(), null, options);
    }

    @Test
    void theDocumentIsServedWithoutLoginAndIsValidOpenApi() throws Exception {
        HttpResponse<String> response = send(null, HttpRequest.newBuilder(uri(OpenApiDocument.PATH)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(body(response).path("openapi").asText()).startsWith("3.1");

        SwaggerParseResult result = parse(false);
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        SwaggerParseResult resolved = parse(true);
        assertThat(resolved.getMessages()).isEmpty();
    }

    @Test
    void everyRestDslOperationIsDescribedWithItsParametersAndRefusals() throws Exception {
        OpenAPI api = parse(false).getOpenAPI();
        List<RestDefinition> rests = context.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions();
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (RestDefinition rest : rests) {
            for (VerbDefinition verb : rest.getVerbs()) {
                operations++;
                String path = (rest.getPath() + (verb.getPath() == null ? "" : verb.getPath())).replaceAll("/+", "/");
                PathItem item = api.getPaths().get(path);
                Operation operation = item == null ? null
                        : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(verb.asVerb().toUpperCase(Locale.ROOT)));
                if (operation == null || !verb.getId().equals(operation.getOperationId())) {
                    missing.add(verb.asVerb() + " " + path + " (" + verb.getId() + ")");
                    continue;
                }
                assertThat(operation.getSummary()).as(verb.getId() + " summary").isNotBlank();
                for (String param : pathParameters(path)) {
                    assertThat(operation.getParameters()).as(verb.getId() + " parameters")
                            .anySatisfy(p -> assertThat(p.getName() + "/" + p.getIn()).isEqualTo(param + "/path"));
                }
                if (!path.equals(OpenApiDocument.PATH) && !path.equals(OpenApiDocument.VERSION_CONFIG_SCHEMA)) {
                    assertThat(errorRef(operation.getResponses().get("401"))).as(verb.getId() + " 401").isTrue();
                    assertThat(errorRef(operation.getResponses().get("500"))).as(verb.getId() + " 500").isTrue();
                } else {
                    assertThat(operation.getSecurity()).as(verb.getId() + " is public").isEmpty();
                }
                if (verb.getType() != null) {
                    assertThat(operation.getRequestBody()).as(verb.getId() + " request body").isNotNull();
                }
            }
        }
        assertThat(missing).isEmpty();
        assertThat(operations).isGreaterThanOrEqualTo(18);
        assertThat(api.getPaths().values().stream().mapToInt(p -> p.readOperations().size()).sum()).isEqualTo(operations);
    }

    @Test
    void schemasSecurityAndTheVersionConfigReference() throws Exception {
        OpenAPI api = parse(false).getOpenAPI();
        Map<String, SecurityScheme> schemes = api.getComponents().getSecuritySchemes();
        assertThat(schemes.get("basic").getScheme()).isEqualTo("basic");
        assertThat(schemes.get("bearer").getScheme()).isEqualTo("bearer");
        assertThat(api.getSecurity()).hasSize(2); // either one logs in

        @SuppressWarnings("rawtypes")
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        assertThat(schemas.get("ErrorBody").getProperties()).containsKeys("error", "reasons");
        assertThat(schemas.get("UpgradeRecord").getProperties()).containsKeys("id", "state", "progress", "services");
        assertThat(schemas.get("UpgradeRequest").getProperties()).containsKeys("targetVersion", "acceptRisk");
        assertThat(schemas.get("CreatedToken").getProperties()).containsKeys("name", "role", "token", "expiresAt");

        // the version configuration is its JSON Schema, referenced, not a copy
        assertThat(schemas.get("VersionConfig").get$ref()).isEqualTo(OpenApiDocument.VERSION_CONFIG_SCHEMA);
        assertThat(schemas).doesNotContainKey("ServiceSpec");
        Schema<?> upload = api.getPaths().get("/api/versions").getPost().getRequestBody().getContent()
                .get("application/yaml").getSchema();
        assertThat(upload.get$ref()).isEqualTo("#/components/schemas/VersionConfig");
        HttpResponse<String> schema = send(null, HttpRequest.newBuilder(uri(OpenApiDocument.VERSION_CONFIG_SCHEMA)));
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(schema.body()).isEqualTo(Files.readString(Path.of("src/main/resources/schema/version-config.schema.json")));
    }

    private static boolean errorRef(ApiResponse response) {
        return response != null && response.getContent() != null
                && "#/components/schemas/ErrorBody".equals(response.getContent().get("application/json").getSchema().get$ref());
    }

    private static List<String> pathParameters(String path) {
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
