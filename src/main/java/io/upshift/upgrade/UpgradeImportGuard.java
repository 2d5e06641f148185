package io.upshift.upgrade;

import java.util.List;
import java.util.Map;

import io.upshift.RejectedException;
import io.upshift.store.UpgradeRecords;
import io.upshift.version.ImportGuard;
import io.upshift.version.Version;
import io.upshift.version.VersionConfig;

/** Refuses (409) to overwrite the configuration of a version that a running upgrade is rolling out. */
public class UpgradeImportGuard implements ImportGuard {

    private final UpgradeRecords store;

    public UpgradeImportGuard(UpgradeRecords store) {
        this.store = store;
    }

    @Override
    public void check(VersionConfig config) {
        Version version = Version.parse(config.version());
        for (UpgradeRecord active : store.active()) {
            if (Version.parse(active.targetVersion()).equals(version)) {
                throw new RejectedException(RejectedException.Code.VERSION_IN_USE, "version is being rolled out",
                        List.of("upgrade " + active.id() + " is rolling out " + version
                                + ": its configuration cannot be overwritten until the upgrade ends"),
                        Map.of("upgrade", active.id()));
            }
        }
    }
}
