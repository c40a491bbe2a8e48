package io.github.camelmqttbridge.mqtt.reason;

import static io.github.camelmqttbridge.mqtt.reason.PacketKind.AUTH;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.CONNACK;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.DISCONNECT;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.PUBACK;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.PUBCOMP;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.PUBREC;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.PUBREL;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.SUBACK;
import static io.github.camelmqttbridge.mqtt.reason.PacketKind.UNSUBACK;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The MQTT 5.0 reason codes (OASIS MQTT 5.0, section 2.4, table 2-6), with the packets each may appear in.
 *
 * <p>Code 0x00 has three names ({@link #SUCCESS}, {@link #NORMAL_DISCONNECTION}, {@link #GRANTED_QOS_0}), so
 * turning a number into words needs the packet: use {@link #describe(int, PacketKind)}.
 *
 * <p>The static methods take the unsigned value (0..255); a negative value in -128..-1 is read as a Java
 * {@code byte} (Netty hands reason codes out as {@code byte}), so {@code (byte) 0x87} works too.
 * MQTT 3.1.1 SUBACK's failure code 0x80 reads as "unspecified error", which fits both versions.
 */
public enum ReasonCode {
    SUCCESS(0x00, "success", CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, AUTH),
    NORMAL_DISCONNECTION(0x00, "normal disconnection", DISCONNECT),
    GRANTED_QOS_0(0x00, "granted QoS 0", SUBACK),
    GRANTED_QOS_1(0x01, "granted QoS 1", SUBACK),
    GRANTED_QOS_2(0x02, "granted QoS 2", SUBACK),
    DISCONNECT_WITH_WILL_MESSAGE(0x04, "disconnect with will message", DISCONNECT),
    NO_MATCHING_SUBSCRIBERS(0x10, "no matching subscribers", PUBACK, PUBREC),
    NO_SUBSCRIPTION_EXISTED(0x11, "no subscription existed", UNSUBACK),
    CONTINUE_AUTHENTICATION(0x18, "continue authentication", AUTH),
    RE_AUTHENTICATE(0x19, "re-authenticate", AUTH),
    UNSPECIFIED_ERROR(0x80, "unspecified error", CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT),
    MALFORMED_PACKET(0x81, "malformed packet", CONNACK, DISCONNECT),
    PROTOCOL_ERROR(0x82, "protocol error", CONNACK, DISCONNECT),
    IMPLEMENTATION_SPECIFIC_ERROR(0x83, "implementation specific error",
            CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT),
    UNSUPPORTED_PROTOCOL_VERSION(0x84, "unsupported protocol version", CONNACK),
    CLIENT_IDENTIFIER_NOT_VALID(0x85, "client identifier not valid", CONNACK),
    BAD_USER_NAME_OR_PASSWORD(0x86, "bad user name or password", CONNACK),
    NOT_AUTHORIZED(0x87, "not authorized", CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT),
    SERVER_UNAVAILABLE(0x88, "server unavailable", CONNACK),
    SERVER_BUSY(0x89, "server busy", CONNACK, DISCONNECT),
    BANNED(0x8A, "banned", CONNACK),
    SERVER_SHUTTING_DOWN(0x8B, "server shutting down", DISCONNECT),
    BAD_AUTHENTICATION_METHOD(0x8C, "bad authentication method", CONNACK, DISCONNECT),
    KEEP_ALIVE_TIMEOUT(0x8D, "keep alive timeout", DISCONNECT),
    SESSION_TAKEN_OVER(0x8E, "session taken over", DISCONNECT),
    TOPIC_FILTER_INVALID(0x8F, "topic filter invalid", SUBACK, UNSUBACK, DISCONNECT),
    TOPIC_NAME_INVALID(0x90, "topic name invalid", CONNACK, PUBACK, PUBREC, DISCONNECT),
    PACKET_IDENTIFIER_IN_USE(0x91, "packet identifier in use", PUBACK, PUBREC, SUBACK, UNSUBACK),
    PACKET_IDENTIFIER_NOT_FOUND(0x92, "packet identifier not found", PUBREL, PUBCOMP),
    RECEIVE_MAXIMUM_EXCEEDED(0x93, "receive maximum exceeded", DISCONNECT),
    TOPIC_ALIAS_INVALID(0x94, "topic alias invalid", DISCONNECT),
    PACKET_TOO_LARGE(0x95, "packet too large", CONNACK, DISCONNECT),
    MESSAGE_RATE_TOO_HIGH(0x96, "message rate too high", DISCONNECT),
    QUOTA_EXCEEDED(0x97, "quota exceeded", CONNACK, PUBACK, PUBREC, SUBACK, DISCONNECT),
    ADMINISTRATIVE_ACTION(0x98, "administrative action", DISCONNECT),
    PAYLOAD_FORMAT_INVALID(0x99, "payload format invalid", CONNACK, PUBACK, PUBREC, DISCONNECT),
    RETAIN_NOT_SUPPORTED(0x9A, "retain not supported", CONNACK, DISCONNECT),
    QOS_NOT_SUPPORTED(0x9B, "QoS not supported", CONNACK, DISCONNECT),
    USE_ANOTHER_SERVER(0x9C, "use another server", CONNACK, DISCONNECT),
    SERVER_MOVED(0x9D, "server moved", CONNACK, DISCONNECT),
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E, "shared subscriptions not supported", SUBACK, DISCONNECT),
    CONNECTION_RATE_EXCEEDED(0x9F, "connection rate exceeded", CONNACK, DISCONNECT),
    MAXIMUM_CONNECT_TIME(0xA0, "maximum connect time", DISCONNECT),
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1, "subscription identifiers not supported", SUBACK, DISCONNECT),
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2, "wildcard subscriptions not supported", SUBACK, DISCONNECT);

    /** Codes from 0x80 up report a failure (MQTT 5.0 section 2.4). */
    public static final int FIRST_ERROR_CODE = 0x80;

    /** By code; for 0x00 the first declared name, {@link #SUCCESS}. */
    private static final ReasonCode[] BY_CODE = new ReasonCode[256];

    /** By packet kind and code: what {@link #of(int, PacketKind)} returns, or null. */
    private static final ReasonCode[][] BY_KIND_AND_CODE = new ReasonCode[PacketKind.values().length][256];

    /**
     * By packet kind and code: what {@link #describe(int, PacketKind)} returns, computed once. An ack
     * (PUBACK, PUBCOMP) is described for every message published, so this must not format strings each time.
     */
    private static final String[][] DESCRIBED = new String[PacketKind.values().length][256];

    static {
        ReasonCode[] all = values();
        for (ReasonCode reason : all) {
            if (BY_CODE[reason.code] == null) {
                BY_CODE[reason.code] = reason;
            }
        }
        for (PacketKind kind : PacketKind.values()) {
            for (int code = 0; code < 256; code++) {
                ReasonCode found = null;
                for (ReasonCode reason : all) {
                    if (reason.code == code && reason.packets.contains(kind)) {
                        found = reason;
                        break;
                    }
                }
                if (found == null) {
                    found = BY_CODE[code];
                }
                BY_KIND_AND_CODE[kind.ordinal()][code] = found;
                DESCRIBED[kind.ordinal()][code] = found != null ? found.description + " (" + hex(code) + ")"
                        : "unknown reason code (" + hex(code) + ")";
            }
        }
    }

    private final int code;
    private final String description;
    private final Set<PacketKind> packets;

    ReasonCode(int code, String description, PacketKind first, PacketKind... rest) {
        this.code = code;
        this.description = description;
        this.packets = Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    /** The code as sent on the wire, 0..255. */
    public int code() {
        return code;
    }

    /** Lower-case words, e.g. {@code "not authorized"}. */
    public String description() {
        return description;
    }

    /** The packets the specification allows this reason code in. */
    public Set<PacketKind> packets() {
        return packets;
    }

    public boolean isAllowedIn(PacketKind kind) {
        return packets.contains(kind);
    }

    public boolean isError() {
        return code >= FIRST_ERROR_CODE;
    }

    /** Words plus the hex code, e.g. {@code "not authorized (0x87)"}. */
    public String describe() {
        return description + " (" + hex(code) + ")";
    }

    /**
     * The reason code with this number; for 0x00 that is {@link #SUCCESS}, use {@link #of(int, PacketKind)}
     * for the packet-specific name. Empty when the number is no MQTT 5.0 reason code.
     */
    public static Optional<ReasonCode> of(int code) {
        int unsigned = unsigned(code);
        return unsigned < 0 || unsigned > 0xFF ? Optional.empty() : Optional.ofNullable(BY_CODE[unsigned]);
    }

    /**
     * The reason code with this number as named for the given packet, e.g. 0x00 in a SUBACK is
     * {@link #GRANTED_QOS_0}. A known code the packet does not allow is still returned, under its usual name.
     */
    public static Optional<ReasonCode> of(int code, PacketKind kind) {
        int unsigned = unsigned(code);
        if (unsigned < 0 || unsigned > 0xFF) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_KIND_AND_CODE[kind.ordinal()][unsigned]);
    }

    /**
     * Words for a reason code received in the given packet, e.g. {@code "not authorized (0x87)"},
     * {@code "granted QoS 1 (0x01)"}; {@code "unknown reason code (0xF3)"} for a number MQTT 5.0 does not
     * define.
     */
    public static String describe(int code, PacketKind kind) {
        int unsigned = unsigned(code);
        if (unsigned < 0 || unsigned > 0xFF) {
            return "unknown reason code (" + hex(unsigned) + ")";
        }
        return DESCRIBED[kind.ordinal()][unsigned];
    }

    /** True for failure codes, 0x80 and above (also for undefined numbers in that range). */
    public static boolean isError(int code) {
        return unsigned(code) >= FIRST_ERROR_CODE;
    }

    // a Java byte from Netty arrives negative for codes >= 0x80
    private static int unsigned(int code) {
        return code >= Byte.MIN_VALUE && code < 0 ? code & 0xFF : code;
    }

    private static String hex(int code) {
        return String.format("0x%02X", code);
    }
}
