package io.upshift.upgrade;

import java.util.function.UnaryOperator;

/** A change to one service's line of an upgrade record: what the progress aggregator applies. */
public record ServiceUpdate(String upgradeId, String service, UnaryOperator<ServiceProgress> change) {
}
