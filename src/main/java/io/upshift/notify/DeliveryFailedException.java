package io.upshift.notify;

/** A receiver did not take an event (no answer, or not 2xx): the delivery route tries again later. */
public class DeliveryFailedException extends RuntimeException {

    public DeliveryFailedException(String message) {
        super(message);
    }
}
