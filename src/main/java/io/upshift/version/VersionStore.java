package io.upshift.version;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;

/** Stored version configurations: one row per version, the validated config kept as JSON. */
public class VersionStore {

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Clock clock;

    public VersionStore(DataSource dataSource, ObjectMapper json, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Imports a new version or overwrites the stored one with the same version number, recording
     * where it came from and who sent it ({@code uploadedBy}: the authenticated user; null for an inbox file).
     */
    public ImportResult save(VersionConfig config, String source, String uploadedBy) {
        Origin origin = new Origin(source, uploadedBy);
        String document = toJson(config);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            if (update(c, config, document, origin, now) > 0) {
                return new ImportResult(config.version(), ImportResult.OVERWRITTEN, config.services().size());
            }
            try {
                insert(c, config, document, origin, now);
                return new ImportResult(config.version(), ImportResult.IMPORTED, config.services().size());
            } catch (SQLException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
                // another import of the same version committed first: ours overwrites it
                update(c, config, document, origin, now);
                return new ImportResult(config.version(), ImportResult.OVERWRITTEN, config.services().size());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store version configuration " + config.version(), e);
        }
    }

    public List<VersionSummary> list() {
        String sql = "SELECT version, services, source, imported_at, updated_at, uploaded_by FROM version_config"
                + " ORDER BY sort_key DESC";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            List<VersionSummary> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new VersionSummary(rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant(),
                        rs.getString(6)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list version configurations", e);
        }
    }

    public Optional<VersionConfig> find(String version) {
        if (!Version.isValid(version)) {
            return Optional.empty();
        }
        String key = sortKey(Version.parse(version));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT document FROM version_config WHERE sort_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(json.readValue(rs.getString(1), VersionConfig.class)) : Optional.empty();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("could not read version configuration " + version, e);
        }
    }

    /** The stored config, or a 404 naming the version. */
    public VersionConfig get(String version) {
        return find(version).orElseThrow(() -> unknown(version));
    }

    public static RejectedException unknown(String version) {
        return new RejectedException(RejectedException.Code.UNKNOWN_VERSION, "unknown version",
                List.of("no version configuration \"" + version + "\" has been imported"));
    }

    /** Where an import came from and who sent it. */
    private record Origin(String source, String uploadedBy) {
    }

    private int update(Connection c, VersionConfig config, String document, Origin origin, OffsetDateTime now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE version_config SET version = ?, document = ?, services = ?,"
                + " source = ?, uploaded_by = ?, updated_at = ? WHERE sort_key = ?")) {
            ps.setString(1, config.version());
            ps.setString(2, document);
            ps.setInt(3, config.services().size());
            ps.setString(4, origin.source());
            ps.setString(5, origin.uploadedBy());
            ps.setObject(6, now);
            ps.setString(7, sortKey(Version.parse(config.version())));
            return ps.executeUpdate();
        }
    }

    private void insert(Connection c, VersionConfig config, String document, Origin origin, OffsetDateTime now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO version_config (version, sort_key, document, services,"
                + " source, uploaded_by, imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, config.version());
            ps.setString(2, sortKey(Version.parse(config.version())));
            ps.setString(3, document);
            ps.setInt(4, config.services().size());
            ps.setString(5, origin.source());
            ps.setString(6, origin.uploadedBy());
            ps.setObject(7, now);
            ps.setObject(8, now);
            ps.executeUpdate();
        }
    }

    static boolean isDuplicateKey(SQLException e) {
        return e instanceof SQLIntegrityConstraintViolationException || "23505".equals(e.getSQLState());
    }

    /** Zero-padded segments: sorts numerically as text and makes 5.1.2.4 and 5.1.2.04 the same version. */
    static String sortKey(Version v) {
        int[] s = v.segments();
        return String.format("%09d.%09d.%09d.%09d", s[0], s[1], s[2], s[3]);
    }

    private String toJson(VersionConfig config) {
        try {
            return json.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
