package io.upshift.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
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
 * The one way a document becomes a record, for every kind Upshift reads (version configurations,
 * upgrade requests, schedules): size check (413) → parse as JSON or YAML, exactly one document,
 * duplicate keys refused (400) → its JSON Schema → the type's own rules → the typed record.
 * Everything wrong with the content is reported at once, each problem with its location, in
 * document order ({@link DocumentType#invalidStatus()}).
 */
public class DocumentReader<T> {

    private final DocumentType<T> type;
    private final ObjectMapper jsonMapper;
    private final ObjectMapper yamlMapper;
    private final SizeLimit sizeLimit;
    private final JsonSchema schema;
    private final SchemaProblems schemaProblems;
    private final String topFields;

    public DocumentReader(DocumentType<T> type, ObjectMapper jsonMapper, ObjectMapper yamlMapper, long maxBytes) {
        this.type = type;
        this.jsonMapper = jsonMapper;
        this.yamlMapper = yamlMapper;
        this.sizeLimit = new SizeLimit(maxBytes);
        JsonNode schemaNode = readSchema(jsonMapper, type.schemaResource());
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).build();
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode, config);
        this.schemaProblems = new SchemaProblems(schemaNode);
        this.topFields = topFields(schemaNode);
    }

    /**
     * Reads {@code content} as {@code "json"}, {@code "yaml"} ({@code "yml"}) or, when
     * {@code format} is null or blank, JSON if it starts with {@code {} and YAML otherwise.
     *
     * @throws RejectedException 413 over the size limit, 400 when it cannot be read as one
     *         JSON/YAML object, the type's invalid status with every problem found
     * @throws IllegalArgumentException for a format other than the above
     */
    public T read(byte[] content, String format) {
        byte[] bytes = content == null ? new byte[0] : content;
        sizeLimit.check((long) bytes.length);
        JsonNode root = parse(bytes, isJson(bytes, format));
        List<String> problems = validate(root);
        if (!problems.isEmpty()) {
            throw new RejectedException(type.invalidStatus(), "invalid " + type.what(), problems);
        }
        return bind(root);
    }

    /** Every problem of an already read document, as {@code location: message}, in document order. */
    public List<String> validate(JsonNode root) {
        List<Problem> problems = new ArrayList<>();
        schema.validate(root).forEach(m -> problems.add(schemaProblems.translate(m, root)));
        // every path at or above a schema problem, so "is anything wrong inside this path?" is one
        // look-up: a scan of every problem per path made thousands of broken services quadratic
        Set<List<Object>> flagged = new HashSet<>();
        for (Problem problem : problems) {
            for (int i = 0; i <= problem.path().size(); i++) {
                flagged.add(problem.path().subList(0, i));
            }
        }
        problems.addAll(type.rules().check(root, path -> !flagged.contains(path)));
        problems.sort(Problem.documentOrder(root));
        Set<String> texts = new LinkedHashSet<>();
        problems.forEach(p -> texts.add(p.text()));
        return List.copyOf(texts);
    }

    private T bind(JsonNode root) {
        try {
            return type.normalize().apply(jsonMapper.treeToValue(root, type.type()));
        } catch (JsonProcessingException e) {
            // the schema and the rules accepted it, so this is a mismatch between schema and record
            throw new IllegalStateException("cannot bind a valid " + type.what() + ": " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(byte[] bytes, boolean json) {
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
                        : "a second YAML document ('---'); a " + type.what() + " is one document"));
            }
            if (!root.isObject()) {
                throw malformed("the document must be a mapping of fields (" + topFields + "), got "
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

    private RejectedException malformed(String reason) {
        return RejectedException.malformed(type.what(), List.of(reason));
    }

    /** The fields the schema requires (else the first it declares): what a reader expects at the top. */
    private static String topFields(JsonNode schema) {
        List<String> names = new ArrayList<>();
        schema.path("required").forEach(n -> names.add(n.asText()));
        if (names.isEmpty()) {
            schema.path("properties").fieldNames().forEachRemaining(names::add);
            names.remove("kind");
        }
        return String.join(", ", names.subList(0, Math.min(2, names.size()))) + ", …";
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

    private static JsonNode readSchema(ObjectMapper mapper, String resource) {
        try (InputStream in = DocumentReader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
