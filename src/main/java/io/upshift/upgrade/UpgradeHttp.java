package io.upshift.upgrade;

import io.upshift.intake.DocumentKind;
import org.apache.camel.Exchange;

/** The HTTP side of {@code POST /api/upgrades}: which syntax the body is in, and the answer's status. */
public class UpgradeHttp {

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
}
