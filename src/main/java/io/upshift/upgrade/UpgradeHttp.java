package io.upshift.upgrade;

import java.util.List;
import java.util.Locale;

import io.upshift.RejectedException;
import org.apache.camel.Exchange;

/** The HTTP side of {@code POST /api/upgrades}: which syntax the body is in, and the answer's status. */
public class UpgradeHttp {

    /** JSON unless the body says YAML; anything else is 415. */
    public String format(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "", "application/json" -> "json";
            case "application/yaml", "application/x-yaml", "text/yaml" -> "yaml";
            default -> throw new RejectedException(415, "unsupported content type",
                    List.of("send the upgrade request as application/json (or application/yaml), not " + type));
        };
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
