package io.upshift.intake;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import io.upshift.RejectedException;
import io.upshift.config.JsonConfiguration;
import io.upshift.schedule.ScheduleRequest;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRequest;
import io.upshift.version.VersionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The one reader, for each kind of document: the same strictness and every reason at once. */
class DocumentReaderTest {

    private static final JsonConfiguration MAPPERS = new JsonConfiguration();
    private static final long MAX_BYTES = 4096;

    static Stream<DocumentType<?>> kinds() {
        return Stream.of(VersionConfig.DOCUMENT, UpgradeRequest.DOCUMENT, ScheduleRequest.DOCUMENT);
    }

    private static <T> DocumentReader<T> reader(DocumentType<T> type) {
        return new DocumentReader<>(type, MAPPERS.jsonMapper(), MAPPERS.yamlMapper(), MAX_BYTES);
    }

    private static RejectedException refusal(DocumentType<?> type, String document, String format) {
        return catchThrowableOfType(RejectedException.class,
                () -> reader(type).read(document.getBytes(StandardCharsets.UTF_8), format));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aDocumentOverTheLimitIsRefusedUnread(DocumentType<?> type) {
        RejectedException refused = refusal(type, "{" + " ".repeat((int) MAX_BYTES) + "}", "json");
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.reasons()).containsExactly(
                "the document has " + (MAX_BYTES + 2) + " bytes; the limit is " + MAX_BYTES + " (upshift.intake.max-bytes)");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aRepeatedKeyIsRefused(DocumentType<?> type) {
        RejectedException json = refusal(type, "{\"acceptRisk\":false,\"acceptRisk\":true}", "json");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.error()).isEqualTo("malformed " + type.what());
        assertThat(json.reasons()).singleElement().asString().contains("Duplicate field 'acceptRisk'");

        RejectedException yaml = refusal(type, "acceptRisk: false\nacceptRisk: true\n", "yaml");
        assertThat(yaml.status()).isEqualTo(400);
        assertThat(yaml.reasons()).singleElement().asString().contains("Duplicate field 'acceptRisk'");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void twoYamlDocumentsAreRefused(DocumentType<?> type) {
        RejectedException refused = refusal(type, "targetVersion: \"5.1.2.04\"\n---\ntargetVersion: \"5.2.0.01\"\n", null);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reasons()).singleElement().asString()
                .endsWith("a second YAML document ('---'); a " + type.what() + " is one document");
    }

    @Test
    void everyProblemOfAnUpgradeRequestIsListedWithItsPath() {
        RejectedException refused = refusal(UpgradeRequest.DOCUMENT, """
                {"targetVersion": 5, "mode": "fast", "acceptRisk": "yes", "acceptRsk": true, "windowEndsAt": "2030-01-01T00:00:00Z"}""",
                "json");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("invalid upgrade request");
        assertThat(refused.reasons()).containsExactly(
                "top level: unknown field \"acceptRsk\" (did you mean \"acceptRisk\"?)",
                "top level: unknown field \"windowEndsAt\"; allowed: kind, targetVersion, acceptRisk, mode, requestedBy, allowDowngrade, acceptWarnings",
                "targetVersion: must be a string such as \"5.1.2.04\", got a number",
                "mode: \"fast\" is not an upgrade mode (zero-downtime or downtime)",
                "acceptRisk: must be true or false, got a string");
    }

    @Test
    void aGoodUpgradeRequestBecomesItsRecord() {
        UpgradeRequest request = reader(UpgradeRequest.DOCUMENT).read("""
                kind: UpgradeRequest
                targetVersion: "5.1.2.04"
                mode: DOWNTIME
                acceptRisk: true
                """.getBytes(StandardCharsets.UTF_8), "yaml");
        assertThat(request).isEqualTo(new UpgradeRequest("5.1.2.04", UpgradeMode.DOWNTIME, true, null, null, null, null));
    }

    @Test
    void everyWrongTypeOfAScheduleIsListedWithItsPath() {
        RejectedException refused = refusal(ScheduleRequest.DOCUMENT, """
                kind: UpgradeSchedule
                targetVersion: "5.1.2.04"
                acceptRisk: true
                cron: [0, 0, 2]
                timeZone: UTC
                windowMinutes: "30"
                """, "yaml");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("invalid schedule");
        assertThat(refused.reasons()).containsExactly(
                "cron: must be a string, got an array",
                "windowMinutes: must be a whole number of minutes, got a string");
    }

    @Test
    void aSchedulesWrongTypesAndWrongValuesAreRefusedTogether() {
        RejectedException refused = refusal(ScheduleRequest.DOCUMENT, """
                {"targetVersion":"5.1.2","mode":"sideways","acceptRisk":"yes","cron":"0 0 25 * * ?","timeZone":"Mars/Base","windowMinutes":0.5}""",
                "json");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reasons()).containsExactly(
                "targetVersion: \"5.1.2\" is not a version of four numeric segments such as 5.1.2.04",
                "mode: \"sideways\" is not an upgrade mode (zero-downtime or downtime)",
                "acceptRisk: must be true or false, got a string",
                "cron: \"0 0 25 * * ?\" is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week"
                        + " [year], e.g. \"0 0 2 ? * SUN\"): Hour values must be between 0 and 23",
                "timeZone: unknown time zone \"Mars/Base\" (use a region such as Asia/Shanghai or an offset such as +08:00)",
                "windowMinutes: must be a whole number of minutes, got a number");
    }

    @Test
    void aWrongKindIsNamed() {
        assertThat(refusal(ScheduleRequest.DOCUMENT, """
                {"kind":"UpgradeRequest","targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 2 ? * SUN","timeZone":"UTC"}""",
                "json").reasons())
                .isEqualTo(List.of("kind: must be \"UpgradeSchedule\", got \"UpgradeRequest\""));
    }
}
