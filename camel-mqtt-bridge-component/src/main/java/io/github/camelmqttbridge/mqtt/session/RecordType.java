package io.github.camelmqttbridge.mqtt.session;

/** The kinds of record in the file store's write-ahead log; the code is what goes into the file, never reuse one. */
enum RecordType {
    SAVE_OUTBOUND(1),
    RELEASED(2),
    REMOVE_OUTBOUND(3),
    ADD_INBOUND_REL(4),
    REMOVE_INBOUND_REL(5),
    SAVE_SUB(6),
    REMOVE_SUB(7),
    CLEAR(8),
    /**
     * First record of a compacted {@code session.log}: the snapshot covers every segment file numbered below this
     * value; segments numbered at or above it are replayed after it. Changes no state.
     */
    BASE(9);

    final byte code;

    RecordType(int code) {
        this.code = (byte) code;
    }

    /** @return the type, or null for a code this version does not know (treated as a corrupt record) */
    static RecordType ofCode(byte code) {
        for (RecordType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
