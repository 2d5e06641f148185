package io.upshift.store;

import java.util.List;

import io.upshift.upgrade.UpgradeRecord;

/**
 * An upgrade as stored: the record's own row read into its type (its {@code services} empty) and
 * each service's JSON document as it was written, in order, not yet read into objects.
 */
public record StoredRecord(UpgradeRecord head, List<String> serviceDocuments) {

    public StoredRecord {
        serviceDocuments = List.copyOf(serviceDocuments);
    }
}
