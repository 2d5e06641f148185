package io.upshift.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.upshift.RejectedException;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a version configuration (JSON or YAML) and checks it against
 * {@code schema/version-config.schema.json} and the rules a schema cannot express. Every problem
 * is reported at once, each with its location, in document order.
 */
public class VersionConfigParser {

    public static final String WHAT = "version configuration";
    public static final String SCHEMA_RESOURCE = "/schema/version-config.schema.json";

    private final ObjectMapper jsonMapper;
    private final ObjectMapper yamlMapper;
    private final long maxBytes;
    private final JsonSchema schema;
    private final SchemaProblems schemaProblems;

    public VersionConfigParser(ObjectMapper jsonMapper, ObjectMapper yamlMapper, long maxBytes) {
        this.jsonMapper = jsonMapper;
        this.yamlMapper = yamlMapper;
        this.maxBytes = maxBytes;
        JsonNode schemaNode = readSchema(jsonMapper);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).build();
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode, config);
        this.schemaProblems = new SchemaProblems(schemaNode);
    }

    /**
     * Parses {@code content} as {@code "json"}, {@code "yaml"} ({@code "yml"}) or, when
     * {@code format} is null or blank, JSON if it starts with {@code {} and YAML otherwise.
     *
     * @return the configuration, its version without a leading {@code V}
     * @throws RejectedException 413 over the size limit, 400 when it cannot be read as one
     *         JSON/YAML object, 422 with every problem found
     * @throws IllegalArgumentException for a format other than the above
     */
    public VersionConfig parse(byte[] content, String format) {
        byte[] bytes = content == null ? new byte[0] : content;
        if (bytes.length > maxBytes) {
            throw RejectedException.tooLarge(bytes.length, maxBytes);
        }
        JsonNode root = read(bytes, isJson(bytes, format));
        List<String> problems = validate(root);
        if (!problems.isEmpty()) {
            throw RejectedException.invalid(WHAT, problems);
        }
        return bind(root);
    }

    /** Every problem of an already read document, as {@code location: message}, in document order. */
    public List<String> validate(JsonNode root) {
        List<Problem> problems = new ArrayList<>();
        schema.validate(root).forEach(m -> problems.add(schemaProblems.translate(m, root)));
        List<Problem> fromSchema = List.copyOf(problems);
        problems.addAll(SemanticRules.check(root, path -> fromSchema.stream().noneMatch(p -> p.within(path))));
        problems.sort(Problem.documentOrder(root));
        Set<String> texts = new LinkedHashSet<>();
        problems.forEach(p -> texts.add(p.text()));
        return List.copyOf(texts);
    }

    private VersionConfig bind(JsonNode root) {
        try {
            VersionConfig config = jsonMapper.treeToValue(root, VersionConfig.class);
            return new VersionConfig(Version.parse(config.version()).text(), config.services(), config.zeroDowntime(),
                    config.releaseNotes());
        } catch (JsonProcessingException e) {
            // the schema accepted it, so this is a mismatch between schema and records
            throw new IllegalStateException("cannot bind a valid " + WHAT + ": " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode read(byte[] bytes, boolean json) {
        ObjectMapper mapper = json ? jsonMapper : yamlMapper;
        try (JsonParser parser = mapper.createParser(bytes)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode root = parser.nextToken() == null ? null : mapper.readTree(parser);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw malformed("the document is empty");
            }
            if (parser.nextToken() != null) {
                throw malformed(at(parser.currentTokenLocation()) + (json
                        ? "unexpected content after the end of the JSON object"
                        : "a second YAML document ('---'); a " + WHAT + " is one document"));
            }
            if (!root.isObject()) {
                throw malformed("the document must be a mapping of fields (version, services, …), got "
                        + SchemaProblems.kind(root));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed(describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen when reading from memory
        }
    }

    private static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            return "line " + (y.getProblemMark().getLine() + 1) + ", column " + (y.getProblemMark().getColumn() + 1) + ": "
                    + y.getProblem();
        }
        return at(e.getLocation()) + e.getOriginalMessage();
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    private static RejectedException malformed(String reason) {
        return RejectedException.malformed(WHAT, List.of(reason));
    }

    static boolean isJson(byte[] bytes, String format) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "json" -> true;
                case "yaml", "yml" -> false;
                default -> throw new IllegalArgumentException("unknown format \"" + format + "\": json, yaml or null");
            };
        }
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean bom = i < 3 && (b == 0xef || b == 0xbb || b == 0xbf);
            if (!bom && !Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }

    private static JsonNode readSchema(ObjectMapper mapper) {
        try (InputStream in = VersionConfigParser.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the classpath");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
