package io.upshift.intake;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.upshift.Failures;
import io.upshift.RejectedException;
import org.apache.camel.Exchange;

/** The error documents Upshift answers with: the same shape over HTTP and in inbox error files. */
public class ErrorBodies {

    private final InboxArchive archive;

    public ErrorBodies(InboxArchive archive) {
        this.archive = archive;
    }

    /**
     * The answer to a rejected request: its status code goes into {@code CamelHttpResponseCode}.
     * The rejection may arrive wrapped (e.g. thrown from inside a bean expression).
     */
    public Map<String, Object> rejected(Exchange exchange) {
        RejectedException rejected = rejection(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, rejected.status());
        return rejected.body();
    }

    /** The RejectedException in a cause chain, if any. */
    public static RejectedException rejection(Throwable thrown) {
        return Failures.find(thrown, RejectedException.class).orElse(null);
    }

    /**
     * A 500 answer: what failed stays in the log; the caller gets a reference to find it. The database unreachable
     * is a 503 that says so (issue 19): the caller may try again.
     */
    public Map<String, Object> internal(Exchange exchange) {
        if (io.upshift.store.Jdbc.isUnreachable(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
            return Map.of("error", "the database cannot be reached", "code", RejectedException.Code.STORAGE_UNAVAILABLE.name(),
                    "reasons", List.of("try again shortly; see the Upshift log, reference " + exchange.getExchangeId()));
        }
        return Map.of("error", "internal error",
                "reasons", List.of("see the Upshift log, reference " + exchange.getExchangeId()));
    }

    /** Writes {@code <target>.errors.json} for a rejected inbox file. */
    public void writeInboxErrors(String target, Exception exception) throws IOException {
        archive.writeErrors(target, inboxErrors(exception));
    }

    /** The body of a rejected inbox file's {@code .errors.json}. */
    public Map<String, Object> inboxErrors(Exception exception) {
        Map<String, Object> body = new LinkedHashMap<>();
        RejectedException rejected = rejection(exception);
        if (rejected != null) {
            body.put("status", rejected.status());
            body.putAll(rejected.body());
        } else {
            body.put("status", 500);
            body.put("error", "could not be processed");
            body.put("reasons", List.of(String.valueOf(exception.getMessage())));
        }
        return body;
    }
}
