package io.upshift.config;

import io.upshift.web.HttpHeaderPolicy;
import io.upshift.web.OpenApiDocument;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/** HTTP server pieces: which headers may come in with a request, and leave in a response; the API's OpenAPI description. */
@Configuration
public class HttpConfiguration implements CamelConfiguration {

    @BindToRegistry("headerPolicy")
    public HttpHeaderPolicy headerPolicy() {
        return new HttpHeaderPolicy();
    }

    @Override
    public void configure(CamelContext camel) {
        camel.getRegistry().bind("openApiDocument", new OpenApiDocument(camel));
    }
}
