package io.github.camelmqttbridge.routes;

/**
 * A message the bridge cannot forward as it is: not parseable, missing a field, or with a topic or key
 * that does not fit the destination. The routes send such a message to their dead letter destination
 * (with this message and the original bytes) and then let it be acknowledged: retrying cannot fix it.
 */
public class PayloadRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    public PayloadRejectedException(String message) {
        super(message);
    }

    public PayloadRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
