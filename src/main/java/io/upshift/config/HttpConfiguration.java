package io.upshift.config;

import io.upshift.web.OpenApiDocument;
import io.upshift.web.ResponseHeaders;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/** HTTP server pieces: which headers may leave in a response; the API's OpenAPI description. */
@Configuration
public class HttpConfiguration implements CamelConfiguration {

    @BindToRegistry("responseHeaders")
    public ResponseHeaders responseHeaders() {
        return new ResponseHeaders();
    }

    @Override
    public void configure(CamelContext camel) {
        camel.getRegistry().bind("openApiDocument", new OpenApiDocument(camel));
    }
}
