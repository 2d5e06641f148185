package io.upshift.version;

/**
 * Decides whether a version configuration may be stored now. The upgrade pipeline refuses (409)
 * to overwrite the config of a version that a running upgrade is rolling out.
 */
@FunctionalInterface
public interface ImportGuard {

    void check(VersionConfig config);
}
