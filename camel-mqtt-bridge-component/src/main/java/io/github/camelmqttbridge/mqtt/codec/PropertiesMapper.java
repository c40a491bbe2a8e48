package io.github.camelmqttbridge.mqtt.codec;

import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Converts our {@link MessageProperties} to and from Netty's {@link MqttProperties} and the session store's bytes. */
public final class PropertiesMapper {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Format 1 wrote strings with {@code writeUTF}: modified UTF-8 with an unsigned 16-bit length, which cannot hold a
     * string MQTT allows (65,535 UTF-8 bytes; a non-BMP character takes 4 UTF-8 bytes but 6 modified ones). Format
     * 2 writes an int length and UTF-8 bytes. Both are read.
     */
    private static final int STORE_FORMAT_MODIFIED_UTF8 = 1;
    private static final int STORE_FORMAT = 2;

    private PropertiesMapper() {
    }

    public static MqttProperties toNetty(MessageProperties p) {
        MqttProperties props = new MqttProperties();
        if (p == null || p.isEmpty()) {
            return props;
        }
        if (p.messageExpiryInterval() != null) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(),
                    (int) p.messageExpiryInterval().longValue()));
        }
        if (p.contentType() != null) {
            props.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), p.contentType()));
        }
        if (p.payloadFormatUtf8() != null) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(),
                    p.payloadFormatUtf8() ? 1 : 0));
        }
        if (p.responseTopic() != null) {
            props.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), p.responseTopic()));
        }
        if (p.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), p.correlationData()));
        }
        if (!p.userProperties().isEmpty()) {
            MqttProperties.UserProperties user = new MqttProperties.UserProperties();
            for (UserProperty up : p.userProperties()) {
                user.add(up.key(), up.value());
            }
            props.add(user);
        }
        return props;
    }

    public static MessageProperties fromNetty(MqttProperties props) {
        // Not props.isEmpty(): Netty keeps user properties and subscription identifiers outside the map that
        // isEmpty() looks at, so a PUBLISH carrying only those would look empty.
        if (props == null || props.listAll().isEmpty()) {
            return MessageProperties.NONE;
        }
        MessageProperties.Builder b = MessageProperties.builder();
        Integer expiry = intValue(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL);
        if (expiry != null) {
            b.messageExpiryInterval(Integer.toUnsignedLong(expiry));
        }
        b.contentType(stringValue(props, MqttPropertyType.CONTENT_TYPE));
        Integer format = intValue(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR);
        if (format != null) {
            b.payloadFormatUtf8(format == 1);
        }
        b.responseTopic(stringValue(props, MqttPropertyType.RESPONSE_TOPIC));
        MqttProperty<?> corr = props.getProperty(MqttPropertyType.CORRELATION_DATA.value());
        if (corr != null) {
            b.correlationData((byte[]) corr.value());
        }
        for (MqttProperty<?> p : props.getProperties(MqttPropertyType.USER_PROPERTY.value())) {
            addUserProperties(b, p);
        }
        for (MqttProperty<?> p : props.getProperties(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value())) {
            b.subscriptionIdentifier((Integer) p.value());
        }
        return b.build();
    }

    private static void addUserProperties(MessageProperties.Builder b, MqttProperty<?> p) {
        if (p instanceof MqttProperties.UserProperties list) {
            for (MqttProperties.StringPair pair : list.value()) {
                b.userProperty(pair.key, pair.value);
            }
        } else if (p instanceof MqttProperties.UserProperty single) {
            b.userProperty(single.value().key, single.value().value);
        }
    }

    public static Integer intValue(MqttProperties props, MqttPropertyType type) {
        MqttProperty<?> p = props == null ? null : props.getProperty(type.value());
        return p == null ? null : (Integer) p.value();
    }

    public static String stringValue(MqttProperties props, MqttPropertyType type) {
        MqttProperty<?> p = props == null ? null : props.getProperty(type.value());
        return p == null ? null : (String) p.value();
    }

    /** Bytes the properties take inside a PUBLISH (without the property-length prefix). */
    public static int encodedLength(MessageProperties p) {
        if (p == null || p.isEmpty()) {
            return 0;
        }
        int n = 0;
        if (p.messageExpiryInterval() != null) {
            n += 5;
        }
        if (p.contentType() != null) {
            n += 3 + utf8Length(p.contentType());
        }
        if (p.payloadFormatUtf8() != null) {
            n += 2;
        }
        if (p.responseTopic() != null) {
            n += 3 + utf8Length(p.responseTopic());
        }
        if (p.correlationData() != null) {
            n += 3 + p.correlationData().length;
        }
        for (UserProperty up : p.userProperties()) {
            n += 5 + utf8Length(up.key()) + utf8Length(up.value());
        }
        return n;
    }

    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The session store's encoding of publish properties (versioned, so old stores stay readable). */
    public static byte[] toStoreBytes(MessageProperties p) {
        if (p == null || p.isEmpty()) {
            return EMPTY;
        }
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(STORE_FORMAT);
            out.writeLong(p.messageExpiryInterval() == null ? -1 : p.messageExpiryInterval());
            writeNullable(out, p.contentType());
            out.writeByte(p.payloadFormatUtf8() == null ? -1 : p.payloadFormatUtf8() ? 1 : 0);
            writeNullable(out, p.responseTopic());
            byte[] corr = p.correlationData();
            out.writeInt(corr == null ? -1 : corr.length);
            if (corr != null) {
                out.write(corr);
            }
            List<UserProperty> user = p.userProperties();
            out.writeInt(user.size());
            for (UserProperty up : user) {
                writeString(out, up.key());
                writeString(out, up.value());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MessageProperties fromStoreBytes(byte[] data) {
        if (data == null || data.length == 0) {
            return MessageProperties.NONE;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readByte();
            if (format != STORE_FORMAT && format != STORE_FORMAT_MODIFIED_UTF8) {
                throw new IOException("unknown stored properties format " + format);
            }
            StringReader strings = format == STORE_FORMAT ? PropertiesMapper::readString : input -> input.readUTF();
            MessageProperties.Builder b = MessageProperties.builder();
            long expiry = in.readLong();
            b.messageExpiryInterval(expiry < 0 ? null : expiry);
            b.contentType(readNullable(in, strings));
            byte utf8 = in.readByte();
            b.payloadFormatUtf8(utf8 < 0 ? null : utf8 == 1);
            b.responseTopic(readNullable(in, strings));
            int corrLength = in.readInt();
            if (corrLength >= 0) {
                byte[] corr = new byte[corrLength];
                in.readFully(corr);
                b.correlationData(corr);
            }
            int users = in.readInt();
            for (int i = 0; i < users; i++) {
                b.userProperty(strings.read(in), strings.read(in));
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("stored message properties are unreadable", e);
        }
    }

    private interface StringReader {
        String read(DataInputStream in) throws IOException;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readNullable(DataInputStream in, StringReader strings) throws IOException {
        return in.readBoolean() ? strings.read(in) : null;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("stored string length " + length + " does not fit in the record");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
