package io.github.camelmqttbridge.mqtt.topic;

import java.util.Objects;
import java.util.Optional;

/**
 * Validation and parsing of SUBSCRIBE topic filters, including MQTT 5 shared subscriptions
 * ({@code $share/<group>/<filter>}).
 */
public final class TopicFilters {

    /** Prefix that marks an MQTT 5 shared subscription. */
    public static final String SHARED_PREFIX = "$share/";

    private static final String KIND = "topic filter";

    private TopicFilters() {
    }

    /**
     * Checks a SUBSCRIBE topic filter: non-empty, no U+0000, valid UTF-8, at most 65535 bytes; '+' must
     * occupy a whole level; '#' must occupy a whole level and be the last one. A shared subscription
     * {@code $share/<group>/<filter>} needs a non-empty group without '+', '#' or '/', and a non-empty valid
     * filter after it.
     *
     * @return the filter, unchanged
     * @throws InvalidTopicException naming the filter and the broken rule
     */
    public static String validateFilter(String filter) {
        Objects.requireNonNull(filter, "topic filter must not be null");
        Utf8Strings.check(KIND, filter);
        int start = 0;
        if (isShared(filter)) {
            int groupEnd = checkSharedPrefix(filter);
            start = groupEnd + 1;
        }
        checkWildcards(filter, start);
        return filter;
    }

    /** True when the filter starts with {@code $share/}, i.e. is meant as a shared subscription. */
    public static boolean isShared(String filter) {
        return filter.startsWith(SHARED_PREFIX);
    }

    /**
     * The share group of a shared subscription, e.g. {@code g1} for {@code $share/g1/a/b}; empty when the
     * filter is not shared.
     *
     * @throws InvalidTopicException when the filter starts with {@code $share/} but is malformed
     */
    public static Optional<String> sharedGroup(String filter) {
        if (!isShared(filter)) {
            return Optional.empty();
        }
        int groupEnd = checkSharedPrefix(filter);
        return Optional.of(filter.substring(SHARED_PREFIX.length(), groupEnd));
    }

    /**
     * The filter that topics are matched against: the part after {@code $share/<group>/} for a shared
     * subscription, otherwise the filter itself.
     *
     * @throws InvalidTopicException when the filter starts with {@code $share/} but is malformed
     */
    public static String matchingFilter(String filter) {
        if (!isShared(filter)) {
            return filter;
        }
        return filter.substring(checkSharedPrefix(filter) + 1);
    }

    /** True when the filter (after any share prefix) contains '+' or '#'. */
    public static boolean hasWildcard(String filter) {
        // a valid share group cannot hold wildcards, so looking at the whole string is enough
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /**
     * True when some topic name matches both (valid) filters, e.g. {@code a/#} and {@code a/b}, or {@code +/b} and
     * {@code a/+}; a shared subscription is compared by the filter after its share prefix. A wildcard first level
     * never matches a topic that starts with '$' (MQTT 4.7.2), so {@code #} and {@code $SYS/x} do not overlap.
     */
    public static boolean overlap(String a, String b) {
        String[] x = matchingFilter(a).split("/", -1);
        String[] y = matchingFilter(b).split("/", -1);
        for (int i = 0; ; i++) {
            String p = i < x.length ? x[i] : null;
            String q = i < y.length ? y[i] : null;
            if (p == null && q == null) {
                return true;
            }
            boolean multi = "#".equals(p) || "#".equals(q);
            boolean single = "+".equals(p) || "+".equals(q);
            if (i == 0 && (multi || single) && (isDollarLiteral(p) || isDollarLiteral(q))) {
                return false;
            }
            if (multi) {
                return true; // '#' matches this level, everything below it, and its parent level
            }
            if (p == null || q == null) {
                return false;
            }
            if (!single && !p.equals(q)) {
                return false;
            }
        }
    }

    private static boolean isDollarLiteral(String level) {
        return level != null && level.startsWith("$");
    }

    /** Checks the {@code $share/<group>/} part and returns the index of the '/' after the group. */
    private static int checkSharedPrefix(String filter) {
        int groupStart = SHARED_PREFIX.length();
        int groupEnd = filter.indexOf('/', groupStart);
        if (groupEnd < 0) {
            throw new InvalidTopicException(KIND, filter,
                    "a shared subscription needs the form '$share/<group>/<filter>'");
        }
        if (groupEnd == groupStart) {
            throw new InvalidTopicException(KIND, filter, "the shared subscription group must not be empty");
        }
        for (int i = groupStart; i < groupEnd; i++) {
            char c = filter.charAt(i);
            if (c == '+' || c == '#') {
                throw new InvalidTopicException(KIND, filter,
                        "the shared subscription group must not contain '+' or '#'");
            }
        }
        if (groupEnd + 1 == filter.length()) {
            throw new InvalidTopicException(KIND, filter,
                    "the topic filter after '$share/<group>/' must not be empty");
        }
        return groupEnd;
    }

    private static void checkWildcards(String filter, int start) {
        for (int i = start; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c != '+' && c != '#') {
                continue;
            }
            boolean levelStart = i == start || filter.charAt(i - 1) == '/';
            boolean levelEnd = i + 1 == filter.length() || filter.charAt(i + 1) == '/';
            if (!levelStart || !levelEnd) {
                throw new InvalidTopicException(KIND, filter, "'" + c + "' must occupy a whole level");
            }
            if (c == '#' && i + 1 != filter.length()) {
                throw new InvalidTopicException(KIND, filter, "'#' must be the last level");
            }
        }
    }
}
