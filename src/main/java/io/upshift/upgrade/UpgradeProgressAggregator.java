package io.upshift.upgrade;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregator behind route {@code upgrade-progress}: correlated by upgrade id, it applies each
 * service's update to the stored Upgrade Record (so progress survives a restart) and carries the
 * record, whose {@code servicesFinal} completes the aggregation.
 */
public class UpgradeProgressAggregator implements AggregationStrategy {

    private final UpgradeStore store;

    public UpgradeProgressAggregator(UpgradeStore store) {
        this.store = store;
    }

    @Override
    public Exchange aggregate(Exchange aggregated, Exchange incoming) {
        ServiceUpdate update = incoming.getMessage().getBody(ServiceUpdate.class);
        UpgradeRecord record = store.update(update.upgradeId(), r -> r.service(update.service())
                .map(s -> r.withService(update.change().apply(s)))
                .orElse(r));
        Exchange result = aggregated == null ? incoming : aggregated;
        result.getMessage().setBody(record);
        return result;
    }
}
