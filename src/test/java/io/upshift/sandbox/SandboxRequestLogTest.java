package io.upshift.sandbox;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding 14: the sandbox API server's record of requests (each health check adds one) stays bounded. */
class SandboxRequestLogTest {

    @Test
    void keepsOnlyTheLatestRequests() throws Exception {
        MockWebServer web = new MockWebServer();
        SandboxDispatcher dispatcher = new SandboxDispatcher(web, 50);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), web, new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.url("/api"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
            }
            int kept = 0;
            while (web.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                kept++;
            }
            assertThat(web.getRequestCount()).isEqualTo(200);
            assertThat(kept).isEqualTo(50);
        } finally {
            server.destroy();
        }
    }
}
