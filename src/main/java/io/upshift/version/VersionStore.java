package io.upshift.version;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;
import io.upshift.store.Jdbc;

/** Stored version configurations: one row per version, the validated config kept as JSON. */
public class VersionStore {

    private static final String UPDATE = "UPDATE version_config SET version = ?, document = ?, services = ?, source = ?,"
            + " uploaded_by = ?, updated_at = ? WHERE sort_key = ?";
    private static final String INSERT = "INSERT INTO version_config (version, document, services, source, uploaded_by,"
            + " updated_at, sort_key, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    public VersionStore(Jdbc jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Imports a new version or overwrites the stored one with the same version number, recording
     * where it came from and who sent it ({@code uploadedBy}: the authenticated user; null for an inbox file).
     */
    public ImportResult save(VersionConfig config, String source, String uploadedBy) {
        Instant now = clock.instant();
        String key = sortKey(Version.parse(config.version()));
        Object[] values = {config.version(), toJson(config), config.services().size(), source, uploadedBy, now, key};
        int services = config.services().size();
        if (jdbc.update(UPDATE, values) > 0) {
            return new ImportResult(config.version(), ImportResult.OVERWRITTEN, services);
        }
        try {
            jdbc.updateOrThrow(INSERT, append(values, now));
            return new ImportResult(config.version(), ImportResult.IMPORTED, services);
        } catch (SQLException e) {
            if (!Jdbc.isDuplicateKey(e)) {
                throw new IllegalStateException("database: could not store version configuration " + config.version()
                        + ": " + e.getMessage(), e);
            }
            // another import of the same version committed first: ours overwrites it
            jdbc.update(UPDATE, values);
            return new ImportResult(config.version(), ImportResult.OVERWRITTEN, services);
        }
    }

    public List<VersionSummary> list() {
        return jdbc.query("SELECT version, services, source, imported_at, updated_at, uploaded_by FROM version_config"
                + " ORDER BY sort_key DESC", VersionStore::summary);
    }

    public Optional<VersionConfig> find(String version) {
        if (!Version.isValid(version)) {
            return Optional.empty();
        }
        return jdbc.one("SELECT document FROM version_config WHERE sort_key = ?", row -> row.getString(1),
                sortKey(Version.parse(version))).map(document -> fromJson(document, version));
    }

    /** The stored config, or a 404 naming the version. */
    public VersionConfig get(String version) {
        return find(version).orElseThrow(() -> unknown(version));
    }

    public static RejectedException unknown(String version) {
        return new RejectedException(RejectedException.Code.UNKNOWN_VERSION, "unknown version",
                List.of("no version configuration \"" + version + "\" has been imported"));
    }

    /** Zero-padded segments: sorts numerically as text and makes 5.1.2.4 and 5.1.2.04 the same version. */
    static String sortKey(Version v) {
        int[] s = v.segments();
        return String.format("%09d.%09d.%09d.%09d", s[0], s[1], s[2], s[3]);
    }

    private static VersionSummary summary(ResultSet row) throws SQLException {
        return new VersionSummary(row.getString(1), row.getInt(2), row.getString(3), Jdbc.instant(row, 4), Jdbc.instant(row, 5),
                row.getString(6));
    }

    private static Object[] append(Object[] values, Object last) {
        Object[] out = java.util.Arrays.copyOf(values, values.length + 1);
        out[values.length] = last;
        return out;
    }

    private VersionConfig fromJson(String document, String version) {
        try {
            return json.readValue(document, VersionConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not read version configuration " + version, e);
        }
    }

    private String toJson(VersionConfig config) {
        try {
            return json.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
