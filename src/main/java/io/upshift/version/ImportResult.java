package io.upshift.version;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** What an import did: {@code imported} a new version or {@code overwritten} a stored one. */
public record ImportResult(String version, String action, int services) {

    public static final String IMPORTED = "imported";
    public static final String OVERWRITTEN = "overwritten";

    /** 201 for a new version, 200 for an overwrite. */
    @JsonIgnore
    public int httpStatus() {
        return IMPORTED.equals(action) ? 201 : 200;
    }
}
