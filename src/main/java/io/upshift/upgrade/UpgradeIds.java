package io.upshift.upgrade;

import java.util.UUID;

/** Names new upgrades: {@code upg-} and 13 random hex digits and a dash. */
public class UpgradeIds {

    public String newId() {
        return "upg-" + UUID.randomUUID().toString().substring(0, 13);
    }
}
