package io.upshift.intake;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a {@link DocumentReader} reads: the document's name in refusals ({@code what}), its JSON
 * Schema on the classpath, the record it binds to, the status a document that was read but is wrong
 * gets ({@code 422} for version configurations; {@code 400} for requests and schedules, as before),
 * the rules a schema cannot express and a last normalisation of the bound record.
 */
public record DocumentType<T>(String what, String schemaResource, Class<T> type, int invalidStatus, Rules rules,
        UnaryOperator<T> normalize) {

    /** A document type with no rules beyond its schema and no normalisation. */
    public static <T> DocumentType<T> of(String what, String schemaResource, Class<T> type, int invalidStatus) {
        return new DocumentType<>(what, schemaResource, type, invalidStatus, Rules.NONE, UnaryOperator.identity());
    }

    public DocumentType<T> withRules(Rules more) {
        return new DocumentType<>(what, schemaResource, type, invalidStatus, more, normalize);
    }

    public DocumentType<T> withNormalize(UnaryOperator<T> then) {
        return new DocumentType<>(what, schemaResource, type, invalidStatus, rules, then);
    }

    /**
     * The checks after the schema's. They look only at locations the schema found nothing wrong
     * with ({@code sound}), so one mistake is reported once instead of cascading.
     */
    @FunctionalInterface
    public interface Rules {
        Rules NONE = (root, sound) -> List.of();

        List<Problem> check(JsonNode root, Predicate<List<Object>> sound);
    }
}
