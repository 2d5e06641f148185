package io.upshift.upgrade;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;
import io.upshift.intake.DocumentKind;
import io.upshift.lifecycle.ActionBody;
import io.upshift.lifecycle.Waits;
import io.upshift.store.UpgradeLog;
import io.upshift.store.UpgradeRecords;
import org.apache.camel.Exchange;

/**
 * The HTTP side of {@code /api/upgrades}: what the stores do not know about HTTP (404s, paging
 * defaults, answer codes), the syntax of a request's body, and an action's optional body.
 */
public class UpgradeHttp {

    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 200;
    private static final int MAX_ACTION_BYTES = 16 * 1024;

    private final UpgradeRecords records;
    private final UpgradeLog log;
    private final ObjectMapper json;
    private final RecordJson recordJson;

    public UpgradeHttp(UpgradeRecords records, UpgradeLog log, ObjectMapper json) {
        this.records = records;
        this.log = log;
        this.json = json;
        this.recordJson = new RecordJson(json, records);
    }

    /** JSON unless the body says YAML; anything else is 415 (the same rule as every upload). */
    public String format(String contentType) {
        return DocumentKind.formatOfContentType(contentType, "json");
    }

    /** 200 for a dry run's plan or a retried request's upgrade; 202 with its Location for a new upgrade. */
    public void respond(Exchange exchange) {
        var message = exchange.getMessage();
        if (message.getBody() instanceof UpgradeRecord record && !"true".equals(message.getHeader("UpshiftReplay"))) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
            message.setHeader("Location", "/api/upgrades/" + record.id());
        } else {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        }
    }

    /**
     * One upgrade, each waiting service saying what it waits for, as the API writes it (an ended
     * upgrade's services copied as stored: {@link RecordJson}); 404 when unknown.
     */
    public RawJson recordBody(String id) {
        return recordJson.write(records.findStored(id).orElseThrow(() -> unknown(id)));
    }

    /** Page {@code page} (from 1) of the Upgrade Record, {@code size} records a page (default 20, at most 200). */
    public List<UpgradeRecord> page(Integer page, Integer size) {
        int limit = size == null || size < 1 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
        int from = page == null || page < 1 ? 0 : (page - 1) * limit;
        return records.list(from, limit).stream().map(Waits::explain).toList();
    }

    /** The log as text after line {@code after}; 404 when the upgrade is unknown. */
    public String logText(String id, Integer after) {
        if (!records.exists(id)) {
            throw unknown(id);
        }
        return log.text(id, after == null ? 0 : after);
    }

    /** An action's body: empty, or {@code {"note": …, "verdict": …}} (400 when unreadable). */
    public ActionBody actionBody(byte[] body) {
        if (body == null || body.length == 0 || new String(body).isBlank()) {
            return new ActionBody(null, null);
        }
        if (body.length > MAX_ACTION_BYTES) {
            throw RejectedException.tooLarge(body.length, MAX_ACTION_BYTES);
        }
        try {
            return json.readValue(body, ActionBody.class);
        } catch (IOException e) {
            throw RejectedException.malformed("action", List.of(e instanceof JsonProcessingException p
                    ? p.getOriginalMessage() : String.valueOf(e.getMessage())));
        }
    }

    /** 202 with the new upgrade's Location for a rollback, 200 for every other action. */
    public void respondToAction(Exchange exchange, String action) {
        var message = exchange.getMessage();
        if (Action.ROLLBACK.path().equals(action) && message.getBody() instanceof UpgradeRecord record) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
            message.setHeader("Location", "/api/upgrades/" + record.id());
        } else {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        }
    }

    public static RejectedException unknown(String id) {
        return new RejectedException(RejectedException.Code.UNKNOWN_UPGRADE, "unknown upgrade",
                List.of("no upgrade \"" + id + "\" is recorded"));
    }
}
