package io.github.camelmqttbridge.mqtt.reason;

import java.util.Optional;

/**
 * MQTT 3.1.1 CONNACK return codes (section 3.2.2.3). MQTT 5 replaced them by {@link ReasonCode}; each maps to
 * its 5.0 counterpart for code that handles both versions alike.
 */
public enum ConnectReturnCode {
    ACCEPTED(0, "accepted", ReasonCode.SUCCESS),
    UNACCEPTABLE_PROTOCOL_VERSION(1, "unacceptable protocol version", ReasonCode.UNSUPPORTED_PROTOCOL_VERSION),
    IDENTIFIER_REJECTED(2, "identifier rejected", ReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
    SERVER_UNAVAILABLE(3, "server unavailable", ReasonCode.SERVER_UNAVAILABLE),
    BAD_USER_NAME_OR_PASSWORD(4, "bad user name or password", ReasonCode.BAD_USER_NAME_OR_PASSWORD),
    NOT_AUTHORIZED(5, "not authorized", ReasonCode.NOT_AUTHORIZED);

    private static final ConnectReturnCode[] BY_CODE = values(); // declared in code order 0..5

    private final int code;
    private final String description;
    private final ReasonCode reasonCode;

    ConnectReturnCode(int code, String description, ReasonCode reasonCode) {
        this.code = code;
        this.description = description;
        this.reasonCode = reasonCode;
    }

    /** The return code as sent on the wire. */
    public int code() {
        return code;
    }

    /** Lower-case words, e.g. {@code "not authorized"}. */
    public String description() {
        return description;
    }

    /** The MQTT 5.0 reason code that means the same, e.g. 0x86 for return code 4. */
    public ReasonCode reasonCode() {
        return reasonCode;
    }

    public boolean isAccepted() {
        return this == ACCEPTED;
    }

    /** Words plus the code, e.g. {@code "bad user name or password (3.1.1 return code 4)"}. */
    public String describe() {
        return description + " (3.1.1 return code " + code + ")";
    }

    /**
     * The return code with this number, empty when MQTT 3.1.1 does not define it. Like {@link ReasonCode}, a
     * value in -128..-1 is read as a Java {@code byte}.
     */
    public static Optional<ConnectReturnCode> of(int code) {
        int unsigned = unsigned(code);
        return unsigned >= 0 && unsigned < BY_CODE.length ? Optional.of(BY_CODE[unsigned]) : Optional.empty();
    }

    /**
     * Words for a 3.1.1 CONNACK return code, e.g. {@code "bad user name or password (3.1.1 return code 4)"};
     * {@code "unknown return code (3.1.1 return code 9)"} for numbers 3.1.1 does not define.
     */
    public static String describe(int code) {
        return of(code).map(ConnectReturnCode::describe)
                .orElseGet(() -> "unknown return code (3.1.1 return code " + unsigned(code) + ")");
    }

    private static int unsigned(int code) {
        return code >= Byte.MIN_VALUE && code < 0 ? code & 0xFF : code;
    }
}
