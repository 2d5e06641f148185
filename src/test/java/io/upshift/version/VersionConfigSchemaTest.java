package io.upshift.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.upshift.config.JsonConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The schema file on its own, as an editor would use it. */
class VersionConfigSchemaTest {

    private final JsonConfiguration mappers = new JsonConfiguration();
    private final ObjectMapper json = mappers.jsonMapper();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @Test
    void isAValidDraft202012Schema() throws IOException {
        var metaSchema = factory.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertThat(metaSchema.validate(schema())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"platform-5.1.2.02.yaml", "platform-5.1.2.04.yaml", "platform-5.2.0.01.yaml"})
    void acceptsTheExamples(String file) throws IOException {
        JsonNode example = mappers.yamlMapper().readTree(Files.readAllBytes(Path.of("examples", file)));

        assertThat(factory.getSchema(schema()).validate(example)).isEmpty();
    }

    private JsonNode schema() throws IOException {
        try (InputStream in = getClass().getResourceAsStream(VersionConfig.DOCUMENT.schemaResource())) {
            return json.readTree(in);
        }
    }
}
