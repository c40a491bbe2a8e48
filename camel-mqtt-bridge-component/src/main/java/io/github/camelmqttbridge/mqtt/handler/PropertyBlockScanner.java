package io.github.camelmqttbridge.mqtt.handler;

import io.netty.buffer.ByteBuf;

/**
 * Checks the raw bytes of one MQTT 5 property block (MQTT 5 section 2.2.2) for {@link InboundFrameGuard}, as they
 * arrive, in pieces of any size: the property length fits the packet, every identifier is known, every value
 * (string and binary lengths included) ends inside the block, variable byte integers have at most 4 bytes,
 * strings are well-formed UTF-8 without U+0000 (MQTT 1.5.4), the packet type may carry each property, and no
 * property but User Property and Subscription Identifier appears twice.
 *
 * <p>netty-codec-mqtt gets these wrong: a length past the block makes its replaying decoder wait for (or take)
 * the next packet's bytes, and bad UTF-8 becomes replacement characters. Here a declared length is checked as
 * soon as it is read, so a bad one is reported without waiting for bytes that may never come. Nothing is
 * buffered or allocated, except the message of a problem.
 */
final class PropertyBlockScanner {

    private enum Step { LENGTH, ID, FIXED, VARIABLE_INTEGER, STRING_LENGTH, STRING, DONE }

    private static final byte UNKNOWN = 0;
    private static final byte ONE_BYTE = 1;
    private static final byte TWO_BYTES = 2;
    private static final byte FOUR_BYTES = 4;
    private static final byte VARIABLE_INTEGER = 5;
    private static final byte UTF8_STRING = 6;
    private static final byte BINARY = 7;
    private static final byte STRING_PAIR = 8;

    private static final byte[] KINDS = new byte[0x2B];
    private static final String[] NAMES = new String[0x2B];

    // Packet types a broker sends that carry properties (MQTT 5 section 2.1.2).
    private static final int CONNACK = 2;
    private static final int PUBLISH = 3;
    private static final int PUBACK = 4;
    private static final int PUBREC = 5;
    private static final int PUBREL = 6;
    private static final int PUBCOMP = 7;
    private static final int SUBACK = 9;
    private static final int UNSUBACK = 11;
    private static final int DISCONNECT = 14;
    private static final int AUTH = 15;
    /** Reason String: every packet with properties a broker sends, but PUBLISH. */
    private static final int[] WITH_REASON = {CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT,
        AUTH};
    private static final int[] ALL = {CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT,
        AUTH};

    /** Per packet type, a bit per property identifier the packet may carry (the table of MQTT 5 section 2.2.2.2). */
    private static final long[] ALLOWED = new long[16];

    static {
        define(0x01, ONE_BYTE, "Payload Format Indicator", PUBLISH);
        define(0x02, FOUR_BYTES, "Message Expiry Interval", PUBLISH);
        define(0x03, UTF8_STRING, "Content Type", PUBLISH);
        define(0x08, UTF8_STRING, "Response Topic", PUBLISH);
        define(0x09, BINARY, "Correlation Data", PUBLISH);
        define(0x0B, VARIABLE_INTEGER, "Subscription Identifier", PUBLISH);
        define(0x11, FOUR_BYTES, "Session Expiry Interval", CONNACK, DISCONNECT);
        define(0x12, UTF8_STRING, "Assigned Client Identifier", CONNACK);
        define(0x13, TWO_BYTES, "Server Keep Alive", CONNACK);
        define(0x15, UTF8_STRING, "Authentication Method", CONNACK, AUTH);
        define(0x16, BINARY, "Authentication Data", CONNACK, AUTH);
        define(0x17, ONE_BYTE, "Request Problem Information"); // CONNECT only: never from a broker
        define(0x18, FOUR_BYTES, "Will Delay Interval"); // will properties only
        define(0x19, ONE_BYTE, "Request Response Information"); // CONNECT only
        define(0x1A, UTF8_STRING, "Response Information", CONNACK);
        define(0x1C, UTF8_STRING, "Server Reference", CONNACK, DISCONNECT);
        define(0x1F, UTF8_STRING, "Reason String", WITH_REASON);
        define(0x21, TWO_BYTES, "Receive Maximum", CONNACK);
        define(0x22, TWO_BYTES, "Topic Alias Maximum", CONNACK);
        define(0x23, TWO_BYTES, "Topic Alias", PUBLISH);
        define(0x24, ONE_BYTE, "Maximum QoS", CONNACK);
        define(0x25, ONE_BYTE, "Retain Available", CONNACK);
        define(0x26, STRING_PAIR, "User Property", ALL);
        define(0x27, FOUR_BYTES, "Maximum Packet Size", CONNACK);
        define(0x28, ONE_BYTE, "Wildcard Subscription Available", CONNACK);
        define(0x29, ONE_BYTE, "Subscription Identifier Available", CONNACK);
        define(0x2A, ONE_BYTE, "Shared Subscription Available", CONNACK);
    }

    private static void define(int id, byte kind, String name, int... packetTypes) {
        KINDS[id] = kind;
        NAMES[id] = name;
        for (int type : packetTypes) {
            ALLOWED[type] |= 1L << id;
        }
    }

    /** Properties that may appear more than once in one block; any other twice is a Protocol Error (2.2.2.2). */
    private static boolean repeatable(int id) {
        return id == 0x26 || id == 0x0B; // User Property; Subscription Identifier (PUBLISH)
    }

    private final Utf8Check utf8 = new Utf8Check();
    private Step step = Step.DONE;
    private String packetName;
    private long allowed;
    /** A bit per property identifier seen in this block. */
    private long seen;
    /** Bytes left in the packet (while reading the property length) or in the property block (after it). */
    private long left;
    private int lengthShift;
    private long length;
    private int id;
    private int fixedLeft;
    private int integerBytes;
    private int stringLengthBytes;
    private int stringLeft;
    private boolean secondOfPair;
    private String problem;

    /**
     * Starts on a new property block of a packet of {@code packetType} (the high 4 bits of its first byte), the
     * next byte being its property length; {@code packetLeft} counts it.
     */
    void start(String packetName, int packetType, long packetLeft) {
        this.packetName = packetName;
        allowed = ALLOWED[packetType & 0x0F];
        seen = 0;
        left = packetLeft;
        lengthShift = 0;
        length = 0;
        problem = null;
        step = Step.LENGTH;
    }

    /** The whole block has been read, and it is valid. */
    boolean done() {
        return step == Step.DONE && problem == null;
    }

    /** What is wrong, once {@link #scan} found something; else null. */
    String problem() {
        return problem;
    }

    /**
     * Reads the bytes from {@code i} up to {@code end} (at most to the end of the packet) that belong to the
     * block, and stops at its end or at the first problem.
     *
     * @return the index of the first byte not read
     */
    int scan(ByteBuf buf, int i, int end) {
        while (i < end && step != Step.DONE) {
            int b = buf.getUnsignedByte(i);
            switch (step) {
                case LENGTH -> {
                    i++;
                    left--;
                    length |= (long) (b & 0x7F) << lengthShift;
                    lengthShift += 7;
                    if ((b & 0x80) == 0) {
                        if (length > left) {
                            return fail("a " + packetName + " whose property length of " + length
                                    + " bytes runs past the end of the packet (" + left + " bytes left)", i);
                        }
                        left = length;
                        step = length == 0 ? Step.DONE : Step.ID;
                    } else if (lengthShift == 28) {
                        return fail("a " + packetName + " whose property length has more than 4 bytes", i);
                    } else if (left == 0) {
                        return fail("a " + packetName + " that ends inside its property length", i);
                    }
                }
                case ID -> {
                    i++;
                    left--;
                    id = b;
                    if (!startValue()) {
                        return i;
                    }
                }
                case FIXED -> {
                    int n = Math.min(fixedLeft, end - i);
                    i += n;
                    left -= n;
                    fixedLeft -= n;
                    if (fixedLeft == 0) {
                        endOfProperty();
                    }
                }
                case VARIABLE_INTEGER -> {
                    i++;
                    left--;
                    integerBytes++;
                    if ((b & 0x80) == 0) {
                        endOfProperty();
                    } else if (integerBytes == 4) {
                        return fail("a " + packetName + " whose " + property() + " has more than 4 bytes", i);
                    } else if (left == 0) {
                        return fail(pastTheBlock(property()), i);
                    }
                }
                case STRING_LENGTH -> {
                    i++;
                    left--;
                    stringLeft = stringLeft << 8 | b;
                    if (++stringLengthBytes == 2) {
                        if (stringLeft > left) {
                            return fail("a " + packetName + " whose " + stringName() + " of " + stringLeft
                                    + " bytes runs past the end of its property block (" + left + " bytes left)", i);
                        }
                        utf8.reset();
                        step = Step.STRING;
                        if (stringLeft == 0) {
                            endOfString();
                        }
                    }
                }
                case STRING -> {
                    int n = Math.min(stringLeft, end - i);
                    if (KINDS[id] != BINARY) {
                        for (int j = i; j < i + n; j++) {
                            if (!utf8.accept(buf.getUnsignedByte(j))) {
                                return fail(notUtf8(), j + 1);
                            }
                        }
                    }
                    i += n;
                    left -= n;
                    stringLeft -= n;
                    if (stringLeft == 0) {
                        if (KINDS[id] != BINARY && !utf8.complete()) {
                            return fail(notUtf8(), i);
                        }
                        endOfString();
                    }
                }
                default -> throw new IllegalStateException("scan after the end of the property block");
            }
        }
        return i;
    }

    /** After the identifier: checks that the value can fit in what is left of the block. */
    private boolean startValue() {
        byte kind = id < KINDS.length ? KINDS[id] : UNKNOWN;
        if (kind == UNKNOWN) {
            fail("a " + packetName + " with an unknown property identifier 0x" + hex(id), 0);
            return false;
        }
        if ((allowed & 1L << id) == 0) {
            fail("a " + packetName + " with the " + property() + ", which MQTT 5 does not allow in a " + packetName, 0);
            return false;
        }
        if ((seen & 1L << id) != 0 && !repeatable(id)) {
            fail("a " + packetName + " with the " + property() + " more than once", 0);
            return false;
        }
        seen |= 1L << id;
        int smallest = switch (kind) {
            case ONE_BYTE, TWO_BYTES, FOUR_BYTES -> kind;
            case VARIABLE_INTEGER -> 1;
            default -> 2;
        };
        if (left < smallest) {
            fail(pastTheBlock(property()), 0);
            return false;
        }
        switch (kind) {
            case ONE_BYTE, TWO_BYTES, FOUR_BYTES -> {
                fixedLeft = kind;
                step = Step.FIXED;
            }
            case VARIABLE_INTEGER -> {
                integerBytes = 0;
                step = Step.VARIABLE_INTEGER;
            }
            default -> {
                secondOfPair = false;
                startString();
            }
        }
        return true;
    }

    private void startString() {
        stringLengthBytes = 0;
        stringLeft = 0;
        step = Step.STRING_LENGTH;
    }

    private void endOfString() {
        if (KINDS[id] == STRING_PAIR && !secondOfPair) {
            secondOfPair = true;
            if (left < 2) {
                fail(pastTheBlock(stringName()), 0);
                return;
            }
            startString();
        } else {
            endOfProperty();
        }
    }

    private void endOfProperty() {
        step = left == 0 ? Step.DONE : Step.ID;
    }

    private int fail(String what, int i) {
        problem = what;
        step = Step.DONE;
        return i;
    }

    private String pastTheBlock(String what) {
        return "a " + packetName + " whose " + what + " runs past the end of its property block";
    }

    private String notUtf8() {
        return "a " + packetName + " whose " + stringName() + (utf8.sawNull() ? " contains the null character U+0000"
                : " is not well-formed UTF-8");
    }

    private String property() {
        return NAMES[id] + " property (0x" + hex(id) + ")";
    }

    /** The string being read, as a user would name it. */
    private String stringName() {
        if (KINDS[id] == STRING_PAIR) {
            return NAMES[id] + " (0x" + hex(id) + ") " + (secondOfPair ? "value" : "key");
        }
        return property();
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }
}
