package io.github.camelmqttbridge.mqtt.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Hand-made MQTT wire bytes as a broker sends them: valid packets to mutate and deliberately broken ones. */
final class Packets {

    private Packets() {
    }

    static byte[] varint(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = value & 0x7F;
            value >>>= 7;
            out.write(value > 0 ? b | 0x80 : b);
        } while (value > 0);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An MQTT string: two-byte length and the bytes as given (which may be invalid UTF-8 on purpose). */
    static byte[] str(byte[] raw) {
        return concat(bytes(raw.length >>> 8, raw.length), raw);
    }

    static byte[] str(String s) {
        return str(utf8(s));
    }

    static byte[] id(int packetId) {
        return bytes(packetId >>> 8, packetId);
    }

    static byte[] packet(int header, byte[] body) {
        return concat(bytes(header), varint(body.length), body);
    }

    /** MQTT 5 property block: its length and the properties. */
    static byte[] props(byte[]... properties) {
        byte[] all = concat(properties);
        return concat(varint(all.length), all);
    }

    static byte[] userProperty(String key, String value) {
        return concat(bytes(0x26), str(key), str(value));
    }

    static byte[] publish(boolean v5, int qos, byte[] topic, int packetId, byte[] props, byte[] payload) {
        byte[] body = concat(str(topic), qos > 0 ? id(packetId) : new byte[0], v5 ? props : new byte[0], payload);
        return packet(0x30 | (qos << 1), body);
    }

    static byte[] publish(boolean v5, int qos, String topic, int packetId, byte[] props, String payload) {
        return publish(v5, qos, utf8(topic), packetId, props, utf8(payload));
    }

    static byte[] reply(boolean v5, int header, int packetId, int reason, String reasonString) {
        if (!v5) {
            return packet(header, id(packetId));
        }
        return packet(header, concat(id(packetId), bytes(reason), props(concat(bytes(0x1F), str(reasonString)))));
    }

    /** Valid packets a broker may send to a connected client, some with MQTT 5 properties. */
    static List<byte[]> validCorpus(boolean v5) {
        List<byte[]> corpus = new ArrayList<>();
        byte[] none = props();
        corpus.add(publish(v5, 0, "fuzz/q0", 0, props(bytes(0x01, 0x01), concat(bytes(0x03), str("text/plain")),
                userProperty("k", "v")), "zero"));
        corpus.add(publish(v5, 1, "fuzz/q1", 101, props(bytes(0x02, 0, 0, 0, 60), concat(bytes(0x09), str("corr")),
                concat(bytes(0x08), str("fuzz/reply")), userProperty("a", "1"), userProperty("a", "2")), "one"));
        corpus.add(publish(v5, 2, "fuzz/q2", 102, props(bytes(0x0B, 0x01), bytes(0x23, 0x00, 0x01)), "two"));
        corpus.add(publish(v5, 1, "fuzz/plain", 109, none, ""));
        // every kind of property value: byte, four bytes, variable byte integer, string, binary, string pair
        corpus.add(publish(v5, 1, "fuzz/all", 110, props(bytes(0x01, 0x00), bytes(0x02, 0, 0, 0x0E, 0x10),
                bytes(0x0B, 0xE0, 0xA7, 0x12), concat(bytes(0x03), str("t\u00E9xt/\u20AC")), concat(bytes(0x09),
                str(bytes(0x00, 0xFF))), userProperty("\uD83D\uDE00", "")), "all"));
        corpus.add(v5 ? packet(0x90, concat(id(103), none, bytes(0x01, 0x80))) : packet(0x90, concat(id(103), bytes(0x01, 0x80))));
        corpus.add(reply(v5, 0x40, 104, 0x10, "no matching subscribers"));
        corpus.add(reply(v5, 0x50, 105, 0x00, "ok"));
        corpus.add(reply(v5, 0x62, 106, 0x00, "release"));
        corpus.add(reply(v5, 0x70, 107, 0x00, "complete"));
        corpus.add(v5 ? packet(0xB0, concat(id(108), none, bytes(0x00))) : packet(0xB0, id(108)));
        corpus.add(v5 ? packet(0xE0, concat(bytes(0x8B), props(concat(bytes(0x1F), str("maintenance")))))
                : bytes(0xE0, 0x00));
        corpus.add(v5 ? bytes(0x20, 0x03, 0x00, 0x00, 0x00) : bytes(0x20, 0x02, 0x00, 0x00));
        corpus.add(bytes(0xD0, 0x00));
        return corpus;
    }

    /** One random mutation of {@code in}: bit flips, truncation, duplicated, deleted, inserted or replaced bytes. */
    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        switch (r.nextInt(8)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    int pos = r.nextInt(b.length);
                    b[pos] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 2 -> {
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(8, b.length - from));
                return concat(java.util.Arrays.copyOf(b, from + len), java.util.Arrays.copyOfRange(b, from, b.length));
            }
            case 3 -> {
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(8, b.length - from));
                return concat(java.util.Arrays.copyOf(b, from), java.util.Arrays.copyOfRange(b, from + len, b.length));
            }
            case 4 -> {
                int pos = r.nextInt(b.length + 1);
                byte[] extra = new byte[1 + r.nextInt(4)];
                r.nextBytes(extra);
                return concat(java.util.Arrays.copyOf(b, pos), extra, java.util.Arrays.copyOfRange(b, pos, b.length));
            }
            case 5 -> {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                return b;
            }
            case 6 -> {
                // the remaining length itself: a random variable byte integer in place of the real one
                int lenBytes = 1;
                while (lenBytes < b.length && (b[lenBytes] & 0x80) != 0) {
                    lenBytes++;
                }
                byte[] fake = varint(r.nextInt(4) == 0 ? r.nextInt(Integer.MAX_VALUE >>> 3) : r.nextInt(300));
                return concat(bytes(b[0]), fake, java.util.Arrays.copyOfRange(b, Math.min(b.length, lenBytes + 1), b.length));
            }
            default -> {
                // the packet type / flags nibble
                b[0] = (byte) (r.nextInt(16) << 4 | (r.nextBoolean() ? b[0] & 0x0F : r.nextInt(16)));
                return b;
            }
        }
    }
}
