package io.github.camelmqttbridge.mqtt.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps topic filters to values and finds the values whose filters match a topic name.
 *
 * <p>Filters are stored in a trie, one node per level, with separate children for '+' and '#'. Matching a
 * topic walks only the branches that can match it, so the cost grows with the topic depth (and the number
 * of wildcard branches that really match), not with the number of filters.
 *
 * <p>Rules (MQTT 3.1.1 / 5.0 section 4.7):
 * <ul>
 * <li>'#' also matches the parent level: {@code a/#} matches {@code a}.</li>
 * <li>A filter whose first level is '+' or '#' does not match a topic starting with '$': {@code #} does not
 * match {@code $SYS/x}, {@code $SYS/#} does.</li>
 * <li>Empty levels are real levels: {@code a//b} has three levels, {@code /a} has two.</li>
 * <li>A shared subscription {@code $share/<group>/<filter>} matches on {@code <filter>}.</li>
 * </ul>
 *
 * <p><b>Not thread-safe.</b> Meant to be confined to one event-loop thread; callers that share an instance
 * between threads must synchronize themselves.
 *
 * @param <T> the value stored per filter, e.g. a subscription handle; compared with {@code equals}
 */
public final class TopicMatcher<T> {

    private final Node<T> root = new Node<>();
    private int size;

    /**
     * Adds a value under a filter. Adding the same (filter, value) pair twice keeps one copy.
     *
     * @return true when added, false when the pair was already present
     * @throws InvalidTopicException when the filter is not a valid topic filter
     */
    public boolean add(String filter, T value) {
        TopicFilters.validateFilter(filter);
        Objects.requireNonNull(value, "value must not be null");
        Node<T> node = root;
        for (String level : levels(TopicFilters.matchingFilter(filter))) {
            node = node.childForAdd(level);
        }
        if (node.indexOf(filter, value) >= 0) {
            return false;
        }
        node.entries().add(new Entry<>(filter, value));
        size++;
        return true;
    }

    /**
     * Removes a value from a filter and drops trie nodes that became unused.
     *
     * @return true when the (filter, value) pair was present
     * @throws InvalidTopicException when the filter is not a valid topic filter
     */
    public boolean remove(String filter, T value) {
        TopicFilters.validateFilter(filter);
        String[] levels = levels(TopicFilters.matchingFilter(filter));
        // iterative, with the path kept for pruning: a filter like "////..." may have 65536 levels
        @SuppressWarnings("unchecked")
        Node<T>[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].child(levels[i]);
            if (path[i + 1] == null) {
                return false;
            }
        }
        Node<T> last = path[levels.length];
        int index = last.indexOf(filter, value);
        if (index < 0) {
            return false;
        }
        last.entries.remove(index);
        size--;
        for (int i = levels.length; i > 0 && path[i].isUnused(); i--) {
            path[i - 1].removeChild(levels[i - 1]);
        }
        return true;
    }

    /**
     * The values of all filters matching the topic name; a value appears once per matching filter it was
     * added under. The order is unspecified.
     *
     * @throws InvalidTopicException when the topic is not a valid topic name
     */
    public List<T> match(String topicName) {
        TopicNames.validateTopicName(topicName);
        List<T> matches = new ArrayList<>(2);
        if (size == 0) {
            return matches;
        }
        // Level boundaries instead of split(): level i is topicName[starts[i], starts[i + 1] - 1). Called for
        // every inbound PUBLISH, so no String[] and no substring unless a node has literal children to look up.
        int levelCount = 1;
        for (int i = topicName.indexOf('/'); i >= 0; i = topicName.indexOf('/', i + 1)) {
            levelCount++;
        }
        int[] starts = scratchStarts(levelCount + 1);
        starts[0] = 0;
        for (int level = 1, i = topicName.indexOf('/'); i >= 0; i = topicName.indexOf('/', i + 1)) {
            starts[level++] = i + 1;
        }
        starts[levelCount] = topicName.length() + 1;
        boolean dollarTopic = topicName.charAt(0) == '$';
        // explicit stack instead of recursion: deep topics must not overflow the event-loop thread's stack.
        // Each visit pushes at most two and pops one, so levelCount + 2 entries always suffice.
        boolean shared = levelCount + 2 <= SCRATCH;
        Node<T>[] nodes = shared ? stackNodes : newNodes(levelCount + 2);
        int[] levels = shared ? stackLevels : new int[levelCount + 2];
        int top = 0;
        nodes[top] = root;
        levels[top++] = 0;
        try {
            while (top > 0) {
                Node<T> node = nodes[--top];
                int level = levels[top];
                if (level == levelCount) {
                    node.collectInto(matches);
                    if (node.multiLevel != null) {
                        node.multiLevel.collectInto(matches); // 'a/#' matches 'a'
                    }
                    continue;
                }
                boolean wildcardsMatch = level > 0 || !dollarTopic;
                if (wildcardsMatch && node.multiLevel != null) {
                    node.multiLevel.collectInto(matches);
                }
                if (node.literals != null) {
                    Node<T> literal = node.literals.get(topicName.substring(starts[level], starts[level + 1] - 1));
                    if (literal != null) {
                        nodes[top] = literal;
                        levels[top++] = level + 1;
                    }
                }
                if (wildcardsMatch && node.singleLevel != null) {
                    nodes[top] = node.singleLevel;
                    levels[top++] = level + 1;
                }
            }
        } finally {
            if (shared) {
                java.util.Arrays.fill(nodes, 0, levelCount + 2, null); // no stale references to removed nodes
            }
        }
        return matches;
    }

    // Scratch space of match() for topics of up to SCRATCH - 2 levels, reused between calls (the matcher is
    // confined to one thread, see above); deeper topics get arrays of their own.
    private static final int SCRATCH = 34;
    private final int[] starts = new int[SCRATCH];
    private final Node<T>[] stackNodes = newNodes(SCRATCH);
    private final int[] stackLevels = new int[SCRATCH];

    private int[] scratchStarts(int n) {
        return n <= SCRATCH ? starts : new int[n];
    }

    @SuppressWarnings("unchecked")
    private static <T> Node<T>[] newNodes(int n) {
        return new Node[n];
    }

    /** True when no (filter, value) pair is stored. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The number of stored (filter, value) pairs. */
    public int size() {
        return size;
    }

    /**
     * Whether one filter matches one topic name, with the same rules as {@link #match(String)}.
     *
     * @throws InvalidTopicException when the filter or the topic name is invalid
     */
    public static boolean matches(String filter, String topicName) {
        TopicFilters.validateFilter(filter);
        TopicNames.validateTopicName(topicName);
        String[] filterLevels = levels(TopicFilters.matchingFilter(filter));
        String[] topicLevels = levels(topicName);
        boolean firstIsWildcard = "+".equals(filterLevels[0]) || "#".equals(filterLevels[0]);
        if (firstIsWildcard && topicName.charAt(0) == '$') {
            return false;
        }
        for (int i = 0; i < filterLevels.length; i++) {
            String level = filterLevels[i];
            if ("#".equals(level)) {
                return true; // also covers the parent: i == topicLevels.length
            }
            if (i >= topicLevels.length) {
                return false;
            }
            if (!"+".equals(level) && !level.equals(topicLevels[i])) {
                return false;
            }
        }
        return filterLevels.length == topicLevels.length;
    }

    // limit -1 keeps trailing empty levels: "a/" has two levels
    private static String[] levels(String topic) {
        return topic.split("/", -1);
    }

    private record Entry<T>(String filter, T value) {
    }

    /** One trie level. Collections are created lazily: most nodes are inner nodes without values. */
    private static final class Node<T> {
        private Map<String, Node<T>> literals;
        private Node<T> singleLevel; // '+'
        private Node<T> multiLevel; // '#', always a leaf
        private List<Entry<T>> entries;

        Node<T> childForAdd(String level) {
            switch (level) {
                case "+":
                    if (singleLevel == null) {
                        singleLevel = new Node<>();
                    }
                    return singleLevel;
                case "#":
                    if (multiLevel == null) {
                        multiLevel = new Node<>();
                    }
                    return multiLevel;
                default:
                    if (literals == null) {
                        literals = new HashMap<>(4);
                    }
                    return literals.computeIfAbsent(level, unused -> new Node<>());
            }
        }

        Node<T> child(String level) {
            switch (level) {
                case "+":
                    return singleLevel;
                case "#":
                    return multiLevel;
                default:
                    return literal(level);
            }
        }

        Node<T> literal(String level) {
            return literals == null ? null : literals.get(level);
        }

        void removeChild(String level) {
            switch (level) {
                case "+":
                    singleLevel = null;
                    break;
                case "#":
                    multiLevel = null;
                    break;
                default:
                    literals.remove(level);
                    if (literals.isEmpty()) {
                        literals = null;
                    }
            }
        }

        List<Entry<T>> entries() {
            if (entries == null) {
                entries = new ArrayList<>(1);
            }
            return entries;
        }

        int indexOf(String filter, T value) {
            if (entries == null) {
                return -1;
            }
            for (int i = 0; i < entries.size(); i++) {
                Entry<T> entry = entries.get(i);
                if (entry.filter().equals(filter) && entry.value().equals(value)) {
                    return i;
                }
            }
            return -1;
        }

        void collectInto(List<T> out) {
            if (entries != null) {
                for (Entry<T> entry : entries) {
                    out.add(entry.value());
                }
            }
        }

        boolean isUnused() {
            return (entries == null || entries.isEmpty()) && literals == null && singleLevel == null
                    && multiLevel == null;
        }
    }
}
