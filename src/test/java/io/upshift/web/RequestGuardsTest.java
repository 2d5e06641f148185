package io.upshift.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestGuardsTest {

    @Test
    void onlyThisSiteOrANonBrowserMayChangeThings() {
        assertThat(RequestGuards.crossSite("upshift.example:8080", null, null)).isEmpty();
        assertThat(RequestGuards.crossSite("upshift.example:8080", "http://upshift.example:8080", "same-origin")).isEmpty();
        assertThat(RequestGuards.crossSite("upshift.example", "https://upshift.example", "none")).isEmpty();
        assertThat(RequestGuards.crossSite("upshift.example:8080", null, "cross-site")).isPresent();
        assertThat(RequestGuards.crossSite("upshift.example:8080", null, "same-site")).isPresent();
        assertThat(RequestGuards.crossSite("upshift.example:8080", "http://evil.example:8080", null)).isPresent();
        assertThat(RequestGuards.crossSite("upshift.example:8080", "http://upshift.example:9090", null)).isPresent();
        assertThat(RequestGuards.crossSite("upshift.example:8080", "null", null)).isPresent();
        assertThat(RequestGuards.crossSite(null, "http://upshift.example", null)).isPresent();
    }

    @Test
    void bodiesMustBeDocumentsNoFormCanSend() {
        assertThat(RequestGuards.documentType("application/json; charset=utf-8")).isTrue();
        assertThat(RequestGuards.documentType("application/yaml")).isTrue();
        assertThat(RequestGuards.documentType("text/plain")).isFalse();
        assertThat(RequestGuards.documentType("application/x-www-form-urlencoded")).isFalse();
        assertThat(RequestGuards.documentType("multipart/form-data; boundary=x")).isFalse();
        assertThat(RequestGuards.documentType(null)).isFalse();
    }
}
