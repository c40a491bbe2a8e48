package io.github.camelmqttbridge.routes;

/**
 * A reading whose value lies outside the range configured for its metric ({@code sensors.range.<metric>}). The
 * Kafka route sends it to the dead letter topic like any other rejected payload; the type tells the two apart in
 * the dead letter record ({@code errorType}).
 */
public class ReadingOutOfRangeException extends PayloadRejectedException {

    private static final long serialVersionUID = 1L;

    public ReadingOutOfRangeException(String message) {
        super(message);
    }
}
