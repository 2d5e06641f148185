package io.upshift.upgrade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.upshift.lifecycle.Waits;
import io.upshift.store.StoredRecord;
import io.upshift.store.UpgradeRecords;

/**
 * An upgrade as {@code GET /api/upgrades/{id}} shows it. An ended upgrade's services no longer
 * change, so their stored documents are copied into the answer as they are: of each only its
 * {@code state} is read (for the progress bar), instead of reading 1,000 documents into objects and
 * writing them out again (0.5 MB of JSON both ways). An active upgrade is read into objects, since
 * each waiting service is told what it waits for ({@link Waits}).
 */
public final class RecordJson {

    private final ObjectMapper json;
    private final UpgradeRecords records;

    public RecordJson(ObjectMapper json, UpgradeRecords records) {
        this.json = json;
        this.records = records;
    }

    public RawJson write(StoredRecord stored) {
        try {
            if (!stored.head().state().isFinal()) {
                return new RawJson(json.writeValueAsString(Waits.explain(records.typed(stored))));
            }
            List<String> services = stored.serviceDocuments();
            int done = 0;
            int length = 2;
            for (String service : services) {
                done += isDone(service) ? 1 : 0;
                length += service.length() + 1;
            }
            ObjectNode node = json.valueToTree(stored.head());
            node.set("progress", json.valueToTree(Progress.of(done, services.size())));
            StringBuilder array = new StringBuilder(length).append('[');
            for (int i = 0; i < services.size(); i++) {
                array.append(i == 0 ? "" : ",").append(services.get(i));
            }
            node.putRawValue("services", new RawValue(array.append(']').toString()));
            return new RawJson(json.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable upgrade record " + stored.head().id(), e);
        }
    }

    /** The service's top-level {@code state} counts as done; the rest of the document is not read. */
    private boolean isDone(String service) throws IOException {
        try (JsonParser parser = json.getFactory().createParser(service)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a service document is not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("state".equals(name)) {
                    return value == JsonToken.VALUE_STRING && ServiceState.valueOf(parser.getText()).isDone();
                }
                parser.skipChildren();
            }
            return false;
        }
    }
}
