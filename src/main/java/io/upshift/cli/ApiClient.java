package io.upshift.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Upshift API over the JDK's HttpClient, authenticated with a Bearer token (or, for
 * {@code login} only, HTTP Basic). Every answer outside 2xx becomes an {@link ApiException} with
 * the server's error and reasons; an unreachable server an {@link IOException}.
 */
public class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String authorization;
    private final ObjectMapper json;

    public ApiClient(String url, String authorization, ObjectMapper json) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = authorization;
        this.json = json;
    }

    public String url() {
        return base;
    }

    public JsonNode getJson(String path) throws IOException, InterruptedException {
        return json.readTree(send(request(path).GET()));
    }

    public String getText(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    /**
     * An event stream ({@code text/event-stream}): the open response, its body read as events come.
     * Waits at most the usual timeout for the answer's head; the body has no deadline of its own.
     */
    public java.io.InputStream stream(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", "text/event-stream").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            try (java.io.InputStream body = response.body()) {
                String text = new String(body.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
                throw refusal(response.statusCode(), text);
            }
        }
        return response.body();
    }

    public JsonNode post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String answer = send(request);
        return answer.isBlank() ? json.nullNode() : json.readTree(answer);
    }

    public JsonNode postWithHeader(String path, byte[] jsonBody, String header, String value)
            throws IOException, InterruptedException {
        String answer = send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(jsonBody))
                .header("Content-Type", "application/json").header(header, value));
        return json.readTree(answer);
    }

    public JsonNode postJson(String path, Object body) throws IOException, InterruptedException {
        return post(path, "application/json", body == null ? new byte[0] : json.writeValueAsBytes(body));
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        String answer = send(request(path).DELETE());
        return answer.isBlank() ? json.nullNode() : json.readTree(answer);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", "application/json, text/plain");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw refusal(response.statusCode(), response.body());
        }
        return response.body();
    }

    private ApiException refusal(int status, String answer) {
        String error = "HTTP " + status;
        List<String> reasons = new ArrayList<>();
        try {
            JsonNode body = json.readTree(answer);
            if (body != null && body.hasNonNull("error")) {
                error = body.get("error").asText();
                body.path("reasons").forEach(r -> reasons.add(r.asText()));
                if (body.hasNonNull("upgrade")) {
                    reasons.add("upgrade: " + body.get("upgrade").asText());
                }
            }
        } catch (IOException notJson) {
            if (!answer.isBlank()) {
                reasons.add(answer.strip());
            }
        }
        return new ApiException(status, error, reasons);
    }
}
