package io.github.camelmqttbridge.mqtt.session;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Encodes session changes as log records and applies decoded records to a {@link SessionState}.
 *
 * <p>Record layout: {@code int length} (of type + body), {@code byte type}, body, {@code int CRC32} of type + body.
 * Strings and byte arrays are written as {@code int length} + bytes (strings in UTF-8). All ints big-endian.
 */
final class SessionRecords {

    /** Bytes around the type + body: the length before, the CRC after. */
    static final int FRAME_OVERHEAD = 8;

    private SessionRecords() {
    }

    static ByteBuffer saveOutbound(StoredPublish publish) {
        return record(RecordType.SAVE_OUTBOUND, out -> {
            out.writeInt(publish.packetId());
            writeString(out, publish.topic());
            writeBytes(out, publish.payload());
            out.writeByte(publish.qos());
            out.writeBoolean(publish.retain());
            out.writeBoolean(publish.released());
            writeBytes(out, publish.properties());
        });
    }

    static ByteBuffer packetId(RecordType type, int packetId) {
        return record(type, out -> out.writeInt(packetId));
    }

    static ByteBuffer saveSubscription(StoredSubscription subscription) {
        return record(RecordType.SAVE_SUB, out -> {
            writeString(out, subscription.topicFilter());
            out.writeByte(subscription.qos());
            out.writeBoolean(subscription.noLocal());
            out.writeBoolean(subscription.retainAsPublished());
            out.writeByte(subscription.retainHandling());
            out.writeInt(subscription.subscriptionIdentifier());
        });
    }

    static ByteBuffer removeSubscription(String topicFilter) {
        return record(RecordType.REMOVE_SUB, out -> writeString(out, topicFilter));
    }

    static ByteBuffer base(int firstSegment) {
        return record(RecordType.BASE, out -> out.writeInt(firstSegment));
    }

    static ByteBuffer clear() {
        return record(RecordType.CLEAR, out -> {
        });
    }

    /** The live state as the shortest log that rebuilds it: what compaction writes. */
    static List<ByteBuffer> snapshot(SessionState state) {
        List<ByteBuffer> records = new ArrayList<>();
        state.outbound().forEach(publish -> records.add(saveOutbound(publish)));
        state.inboundAwaitingRelease().forEach(id -> records.add(packetId(RecordType.ADD_INBOUND_REL, id)));
        state.subscriptions().forEach(subscription -> records.add(saveSubscription(subscription)));
        return records;
    }

    static int crcOf(ByteBuffer typeAndBody) {
        CRC32 crc = new CRC32();
        crc.update(typeAndBody.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Applies one record (type + body, CRC already checked) to the state.
     *
     * @throws IllegalArgumentException if the record cannot be decoded; the state is then unchanged
     */
    static void apply(ByteBuffer typeAndBody, SessionState state) {
        try {
            RecordType type = RecordType.ofCode(typeAndBody.get());
            if (type == null) {
                throw new IllegalArgumentException("unknown record type " + typeAndBody.get(typeAndBody.position() - 1));
            }
            applyBody(type, typeAndBody, state);
            if (typeAndBody.hasRemaining()) {
                throw new IllegalArgumentException(typeAndBody.remaining() + " unexpected bytes after a " + type + " record");
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("record is shorter than its type needs", e);
        }
    }

    private static void applyBody(RecordType type, ByteBuffer in, SessionState state) {
        switch (type) {
            case SAVE_OUTBOUND -> {
                int packetId = in.getInt();
                String topic = readString(in);
                byte[] payload = readBytes(in);
                int qos = in.get();
                boolean retain = in.get() != 0;
                boolean released = in.get() != 0;
                byte[] properties = readBytes(in);
                state.saveOutbound(new StoredPublish(packetId, topic, payload, qos, retain, released, properties));
            }
            case RELEASED -> state.markReleased(in.getInt());
            case REMOVE_OUTBOUND -> state.removeOutbound(in.getInt());
            case ADD_INBOUND_REL -> state.addInboundAwaitingRelease(in.getInt());
            case REMOVE_INBOUND_REL -> state.removeInboundAwaitingRelease(in.getInt());
            case SAVE_SUB -> {
                String filter = readString(in);
                int qos = in.get();
                boolean noLocal = in.get() != 0;
                boolean retainAsPublished = in.get() != 0;
                int retainHandling = in.get();
                int subscriptionIdentifier = in.getInt();
                state.saveSubscription(new StoredSubscription(filter, qos, noLocal, retainAsPublished, retainHandling,
                        subscriptionIdentifier));
            }
            case REMOVE_SUB -> state.removeSubscription(readString(in));
            case CLEAR -> state.clear();
            case BASE -> in.getInt(); // read by the log when it replays; nothing to change in the state
            default -> throw new IllegalArgumentException("unhandled record type " + type);
        }
    }

    private interface BodyWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static ByteBuffer record(RecordType type, BodyWriter body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(type.code);
            body.write(out);
            out.flush();
            ByteBuffer typeAndBody = ByteBuffer.wrap(bytes.toByteArray());
            ByteBuffer frame = ByteBuffer.allocate(typeAndBody.remaining() + FRAME_OVERHEAD);
            frame.putInt(typeAndBody.remaining());
            frame.putInt(typeAndBody.remaining() + 4, crcOf(typeAndBody));
            frame.put(typeAndBody);
            frame.position(0);
            return frame;
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A null array is written as empty: readers never get null back. */
    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        byte[] bytes = value == null ? new byte[0] : value;
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("field length " + length + " does not fit in the record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
