package io.github.camelmqttbridge.mqtt.topic;

/** Checks shared by topic names and filters: MQTT UTF-8 string rules (spec 1.5.4). */
final class Utf8Strings {

    /** An MQTT UTF-8 string is prefixed by a two-byte length. */
    static final int MAX_ENCODED_BYTES = 65_535;

    private Utf8Strings() {
    }

    /**
     * Checks non-empty, no U+0000, no unpaired surrogate and encoded length; throws with {@code kind}
     * ("topic name" / "topic filter") in the message.
     */
    static void check(String kind, String value) {
        if (value.isEmpty()) {
            throw new InvalidTopicException(kind, value, "must not be empty");
        }
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                throw new InvalidTopicException(kind, value,
                        "must not contain the null character U+0000 (at index " + i + ")");
            }
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw unpaired(kind, value, i);
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw unpaired(kind, value, i);
            } else {
                bytes += 3;
            }
        }
        if (bytes > MAX_ENCODED_BYTES) {
            throw new InvalidTopicException(kind, value,
                    "is " + bytes + " bytes in UTF-8, the maximum is " + MAX_ENCODED_BYTES);
        }
    }

    private static InvalidTopicException unpaired(String kind, String value, int index) {
        return new InvalidTopicException(kind, value,
                "is not valid UTF-8: unpaired surrogate character at index " + index);
    }
}
