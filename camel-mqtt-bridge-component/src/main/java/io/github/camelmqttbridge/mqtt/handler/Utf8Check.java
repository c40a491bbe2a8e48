package io.github.camelmqttbridge.mqtt.handler;

/**
 * Checks a UTF-8 string one byte at a time, without buffering it, as MQTT 1.5.4 requires of every string: well-formed
 * (Unicode table 3-7: no overlong forms, nothing above U+10FFFF), no surrogates U+D800..U+DFFF, no U+0000.
 */
final class Utf8Check {

    /** Continuation bytes still expected in the current character. */
    private int pending;
    /** The range of the next continuation byte: narrower than 0x80..0xBF right after some lead bytes. */
    private int low = 0x80;
    private int high = 0xBF;
    private boolean sawNull;

    void reset() {
        pending = 0;
        low = 0x80;
        high = 0xBF;
        sawNull = false;
    }

    /** @return false if {@code b} (0..255) makes the string ill-formed or is U+0000 */
    boolean accept(int b) {
        if (pending > 0) {
            if (b < low || b > high) {
                return false;
            }
            pending--;
            low = 0x80;
            high = 0xBF;
            return true;
        }
        if (b < 0x80) {
            sawNull = b == 0;
            return !sawNull;
        }
        if (b < 0xC2) {
            // a continuation byte without lead, or C0/C1 (always overlong)
            return false;
        }
        if (b < 0xE0) {
            pending = 1;
        } else if (b < 0xF0) {
            pending = 2;
            if (b == 0xE0) {
                low = 0xA0;
            } else if (b == 0xED) {
                high = 0x9F;
            }
        } else if (b < 0xF5) {
            pending = 3;
            if (b == 0xF0) {
                low = 0x90;
            } else if (b == 0xF4) {
                high = 0x8F;
            }
        } else {
            return false;
        }
        return true;
    }

    /** @return true if the bytes so far end on a whole character */
    boolean complete() {
        return pending == 0;
    }

    /** @return true if the last rejected byte was U+0000 (rather than ill-formed UTF-8) */
    boolean sawNull() {
        return sawNull;
    }
}
