package io.upshift.kubernetes;

import io.upshift.Failures;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bean {@code rollService}: body {@link ServiceStep} in, {@link StepResult} out. Asynchronous: the
 * exchange continues when the rollout's future completes, so no Camel thread waits for a rollout.
 * Progress lines go to the {@value RolloutListener#HEADER} header's listener if present, else the log.
 */
public class RollServiceProcessor extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RollServiceProcessor.class);

    private final Rollouts rollouts;

    public RollServiceProcessor(Rollouts rollouts) {
        this.rollouts = rollouts;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ServiceStep step = exchange.getMessage().getBody(ServiceStep.class);
        if (step == null) {
            exchange.setException(new RolloutException("roll-service expects a ServiceStep body, not "
                    + exchange.getMessage().getBody()));
            callback.done(true);
            return true;
        }
        RolloutListener listener = exchange.getMessage().getHeader(RolloutListener.HEADER, RolloutListener.class);
        rollouts.execute(step, listener != null ? listener : LOG::info).whenComplete((result, error) -> {
            if (error != null) {
                exchange.setException(Failures.unwrap(error));
            } else {
                exchange.getMessage().setBody(result);
            }
            callback.done(false);
        });
        return false;
    }
}
