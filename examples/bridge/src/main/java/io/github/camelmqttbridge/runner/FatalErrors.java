package io.github.camelmqttbridge.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a start-up failure into one readable line: the messages of the cause chain, most specific last,
 * without repeats, without stack frames. Camel's messages already name the file and line of a YAML error,
 * the endpoint and the unknown parameters of a bad URI, the property a placeholder misses; the engine's
 * connection errors name the broker and the reason.
 */
final class FatalErrors {

    private FatalErrors() {
    }

    static String describe(Throwable error) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = error; t != null && parts.size() < 6; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                message = t.getClass().getSimpleName();
            }
            message = message.strip().replaceAll("\\s*\\R\\s*", " ");
            String finalMessage = message;
            if (parts.stream().noneMatch(p -> p.contains(finalMessage))) {
                parts.removeIf(finalMessage::contains);
                parts.add(message);
            }
        }
        return String.join(": ", parts);
    }
}
