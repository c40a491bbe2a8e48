package io.github.camelmqttbridge.component;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * A W3C trace context (<a href="https://www.w3.org/TR/trace-context/">Trace Context</a>): a {@code traceparent} that
 * passed {@link #isValidTraceparent} and, optionally, a {@code tracestate} that passed {@link #isValidTracestate}.
 * Instances exist only for valid values, so whatever holds one may pass it on as it is.
 *
 * <p>Both values come from whoever may publish (or write to a Kafka topic): they are checked strictly, and a value
 * that fails is dropped, never an error. Accepted:
 * <ul>
 * <li>{@code traceparent}: version {@code 00}, exactly {@code 00-<32 hex>-<16 hex>-<2 hex>} (55 characters), lower
 * case hex, trace id and parent id not all zeros; a later version (hex, not {@code ff}) with the same first 55
 * characters, followed by nothing or by {@code -} and more lower case hex and dashes, at most
 * {@link #MAX_TRACEPARENT_LENGTH} characters;</li>
 * <li>{@code tracestate}: at most {@link #MAX_TRACESTATE_LENGTH} characters and {@link #MAX_TRACESTATE_MEMBERS}
 * list members {@code key=value}, separated by commas (with optional spaces or tabs), keys as the specification
 * spells them (lower case letter first; {@code tenant@system} form allowed) and unique, values of printable ASCII
 * without {@code ,} and {@code =}, not ending in a space. Only taken together with a valid {@code traceparent}.</li>
 * </ul>
 * No Camel types: the same checks serve the component, the bridge's Kafka header filter and its Kafka header mapping.
 */
public record W3cTraceContext(String traceparent, String tracestate) {

    /** The name of the W3C traceparent field (MQTT 5 user property, Camel header, Kafka record header). */
    public static final String TRACEPARENT = "traceparent";
    /** The name of the W3C tracestate field. */
    public static final String TRACESTATE = "tracestate";
    /** Longest traceparent accepted (a later version may append fields; version 00 is 55 characters). */
    public static final int MAX_TRACEPARENT_LENGTH = 256;
    /** Longest tracestate accepted (the specification asks to propagate at least 512 characters). */
    public static final int MAX_TRACESTATE_LENGTH = 512;
    /** Most list members in a tracestate (the specification's limit). */
    public static final int MAX_TRACESTATE_MEMBERS = 32;

    private static final int VERSION_00_LENGTH = 55;

    public W3cTraceContext {
        if (!isValidTraceparent(traceparent)) {
            throw new IllegalArgumentException("not a valid W3C traceparent");
        }
        if (tracestate != null && !isValidTracestate(tracestate)) {
            throw new IllegalArgumentException("not a valid W3C tracestate");
        }
    }

    /**
     * The context of these values, or null when the traceparent is missing or invalid. An invalid or missing
     * tracestate is left out (the traceparent alone is still a context, as the specification says).
     */
    public static W3cTraceContext of(String traceparent, String tracestate) {
        if (!isValidTraceparent(traceparent)) {
            return null;
        }
        return new W3cTraceContext(traceparent, isValidTracestate(tracestate) ? tracestate : null);
    }

    /** Text of a header value: a String, or a byte[] in UTF-8 (Kafka record headers); anything else is null. */
    public static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] bytes && bytes.length <= MAX_TRACESTATE_LENGTH) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return null;
    }

    /** True when the name is {@code traceparent} or {@code tracestate} in any letter case. */
    public static boolean isTraceContextName(String name) {
        return name != null && (TRACEPARENT.equalsIgnoreCase(name) || TRACESTATE.equalsIgnoreCase(name));
    }

    /** The trace id (32 hex characters). */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    /** The parent id: the span id of the sender's span (16 hex characters). */
    public String parentId() {
        return traceparent.substring(36, 52);
    }

    /** A valid W3C traceparent (see the class comment). */
    public static boolean isValidTraceparent(String value) {
        if (value == null || value.length() < VERSION_00_LENGTH || value.length() > MAX_TRACEPARENT_LENGTH) {
            return false;
        }
        if (!isLowerHex(value, 0, 2) || value.startsWith("ff") || value.charAt(2) != '-'
                || !isLowerHex(value, 3, 35) || value.charAt(35) != '-'
                || !isLowerHex(value, 36, 52) || value.charAt(52) != '-'
                || !isLowerHex(value, 53, 55)
                || isAllZeros(value, 3, 35) || isAllZeros(value, 36, 52)) {
            return false;
        }
        if (value.startsWith("00")) {
            return value.length() == VERSION_00_LENGTH;
        }
        if (value.length() == VERSION_00_LENGTH) {
            return true;
        }
        if (value.charAt(VERSION_00_LENGTH) != '-') {
            return false;
        }
        for (int i = VERSION_00_LENGTH + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '-' && !isLowerHexChar(c)) {
                return false;
            }
        }
        return true;
    }

    /** A valid W3C tracestate (see the class comment); an empty or blank value is not one. */
    public static boolean isValidTracestate(String value) {
        if (value == null || value.isBlank() || value.length() > MAX_TRACESTATE_LENGTH) {
            return false;
        }
        Set<String> keys = new HashSet<>();
        int members = 0;
        for (String part : value.split(",", -1)) {
            String member = trimOws(part);
            if (member.isEmpty()) {
                continue; // the specification allows empty list members
            }
            if (++members > MAX_TRACESTATE_MEMBERS) {
                return false;
            }
            int eq = member.indexOf('=');
            if (eq <= 0 || !isValidKey(member.substring(0, eq)) || !isValidValue(member.substring(eq + 1))
                    || !keys.add(member.substring(0, eq))) {
                return false;
            }
        }
        return members > 0;
    }

    private static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * key = simple-key / multi-tenant-key; simple-key = lcalpha 0*255(lcalpha / DIGIT / "_" / "-"/ "*" / "/");
     * multi-tenant-key = tenant-id "@" system-id; tenant-id = (lcalpha / DIGIT) 0*240(...);
     * system-id = lcalpha 0*13(...).
     */
    private static boolean isValidKey(String key) {
        int at = key.indexOf('@');
        if (at < 0) {
            return key.length() <= 256 && isLcAlpha(key.charAt(0)) && keyChars(key, 1, key.length());
        }
        String tenant = key.substring(0, at);
        String system = key.substring(at + 1);
        return !tenant.isEmpty() && tenant.length() <= 241 && (isLcAlpha(tenant.charAt(0)) || isDigit(tenant.charAt(0)))
                && keyChars(tenant, 1, tenant.length())
                && !system.isEmpty() && system.length() <= 14 && isLcAlpha(system.charAt(0))
                && keyChars(system, 1, system.length());
    }

    private static boolean keyChars(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '*' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E. */
    private static boolean isValidValue(String v) {
        if (v.isEmpty() || v.length() > 256 || v.charAt(v.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7E || c == ',' || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isLowerHexChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerHexChar(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f');
    }

    private static boolean isAllZeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLcAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
