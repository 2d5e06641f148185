package io.upshift.upgrade;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregator behind route {@code upgrade-progress}: correlated by upgrade id, it keeps the
 * upgrade's record as the aggregate (loaded from the store when an aggregation starts, e.g. after
 * a restart), applies each service's update to it and writes that one service's row through to
 * the store, so progress survives a restart at the cost of one small write per event. The
 * record's {@code servicesFinal} completes the aggregation.
 */
public class UpgradeProgressAggregator implements AggregationStrategy {

    private final UpgradeStore store;

    public UpgradeProgressAggregator(UpgradeStore store) {
        this.store = store;
    }

    @Override
    public Exchange aggregate(Exchange aggregated, Exchange incoming) {
        ServiceUpdate update = incoming.getMessage().getBody(ServiceUpdate.class);
        UpgradeRecord record = aggregated == null ? store.get(update.upgradeId())
                : aggregated.getMessage().getBody(UpgradeRecord.class);
        var service = record.service(update.service());
        if (service.isPresent()) {
            ServiceProgress changed = update.change().apply(service.get());
            store.saveService(update.upgradeId(), changed);
            record = record.withService(changed);
        }
        Exchange result = aggregated == null ? incoming : aggregated;
        result.getMessage().setBody(record);
        return result;
    }
}
