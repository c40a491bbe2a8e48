package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits before the decoder and looks at the raw bytes for what netty-codec-mqtt gets wrong:
 * <ul>
 * <li>a PUBLISH whose topic name is not well-formed UTF-8 or contains U+0000 is a malformed packet (MQTT 1.5.4),
 * but the decoder decodes it with replacement characters, after which it can no longer be told from a real
 * U+FFFD;</li>
 * <li>a packet whose remaining length is too short for its packet id, or a topic length beyond the packet: the
 * decoder reads past the packet's end and waits for (or swallows) the bytes of the next packet.</li>
 * <li>a packet larger than our maximum packet size: the decoder checks the limit only after the variable header,
 * so MQTT 5 properties of any announced size would be buffered first;</li>
 * <li>MQTT 5 properties (see {@link PropertyBlockScanner}): a string or binary length past the end of its
 * property block makes the decoder wait for (or swallow) the next packet, and string properties that are not
 * well-formed UTF-8 are decoded with replacement characters.</li>
 * </ul>
 * The bytes pass through unchanged and nothing is buffered: only the packet boundaries, the topic and, for MQTT 5,
 * the property block are tracked.
 * Anything else malformed is left to the decoder, and tracking stops there.
 */
public final class InboundFrameGuard extends ChannelInboundHandlerAdapter {

    private enum State { HEADER, LENGTH, TOPIC_LENGTH, TOPIC, BEFORE_PROPERTIES, PROPERTIES, SKIP, OFF, FAILED }

    private static final String TOO_LARGE = "a packet larger than our maximumPacketSize";

    private final String serverUri;
    private State state = State.HEADER;
    private int header;
    private boolean publish;
    private long remaining;
    private int lengthShift;
    private int topicLength;
    private int topicLengthBytes;
    private final Utf8Check topic = new Utf8Check();
    private int topicRead;
    /** Bytes of the variable header still to pass before the MQTT 5 property block. */
    private int beforeProperties;

    private long bytesRead;
    private final int maximumPacketSize;
    /** Null unless MQTT 5: only MQTT 5 packets have properties. */
    private final PropertyBlockScanner properties;

    public InboundFrameGuard(String serverUri, int maximumPacketSize, boolean v5) {
        this.serverUri = serverUri;
        this.maximumPacketSize = maximumPacketSize;
        this.properties = v5 ? new PropertyBlockScanner() : null;
    }

    /** Bytes read from the socket so far: the keep-alive takes any of them as a sign of life. Event loop only. */
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf counted) {
            bytesRead += counted.readableBytes();
        }
        if (state == State.FAILED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        String problem = state != State.OFF && msg instanceof ByteBuf buf ? inspect(buf) : null;
        if (problem != null) {
            state = State.FAILED;
            ReferenceCountUtil.release(msg);
            boolean tooLarge = problem.startsWith(TOO_LARGE);
            MqttConnection.close(ctx.channel(), new MqttProtocolException(tooLarge ? 0x95 : 0x81, "Broker " + serverUri
                    + " sent " + (tooLarge ? "" : "a malformed packet (") + problem + (tooLarge ? "" : ")")
                    + "; closing the connection"),
                    ctx.channel().hasAttr(ConnectHandler.VERSION)
                            && ctx.channel().attr(ConnectHandler.VERSION).get() == MqttVersion.V5);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** @return what is wrong, or null */
    private String inspect(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end && state != State.OFF) {
            switch (state) {
                case HEADER -> {
                    header = buf.getUnsignedByte(i++);
                    publish = header >> 4 == 3;
                    remaining = 0;
                    lengthShift = 0;
                    state = State.LENGTH;
                }
                case LENGTH -> {
                    int b = buf.getUnsignedByte(i++);
                    remaining |= (long) (b & 0x7F) << lengthShift;
                    lengthShift += 7;
                    if ((b & 0x80) != 0) {
                        state = lengthShift >= 28 ? State.OFF : State.LENGTH;
                    } else if (remaining > maximumPacketSize) {
                        // netty-codec-mqtt checks its limit only after decoding the variable header: MQTT 5
                        // properties of the announced size would be buffered (and re-parsed) before that.
                        return TOO_LARGE + " (" + remaining + " bytes announced, maximumPacketSize is "
                                + maximumPacketSize + ")";
                    } else if (remaining < minimumLength(header)) {
                        return "a " + typeName(header) + " of " + remaining + " bytes is too short for its packet id";
                    } else if (publish) {
                        topicLength = 0;
                        topicLengthBytes = 0;
                        state = State.TOPIC_LENGTH;
                    } else {
                        String problem = toProperties(bytesBeforeProperties(header), propertiesRequired(header));
                        if (problem != null) {
                            return problem;
                        }
                    }
                }
                case TOPIC_LENGTH -> {
                    topicLength = topicLength << 8 | buf.getUnsignedByte(i++);
                    remaining--;
                    if (++topicLengthBytes == 2) {
                        int packetIdBytes = (header >> 1 & 3) == 0 ? 0 : 2;
                        if (topicLength > remaining - packetIdBytes) {
                            return "a PUBLISH topic length of " + topicLength + " bytes leaves no room in the packet"
                                    + (packetIdBytes > 0 ? " for its packet id" : "");
                        } else if (topicLength == 0) {
                            String problem = toProperties(packetIdBytes, true);
                            if (problem != null) {
                                return problem;
                            }
                        } else {
                            topic.reset();
                            topicRead = 0;
                            state = State.TOPIC;
                        }
                    } else if (remaining == 0) {
                        state = State.OFF;
                    }
                }
                case TOPIC -> {
                    int n = Math.min(topicLength - topicRead, end - i);
                    for (int j = i; j < i + n; j++) {
                        if (!topic.accept(buf.getUnsignedByte(j))) {
                            return topicProblem();
                        }
                    }
                    i += n;
                    topicRead += n;
                    remaining -= n;
                    if (topicRead == topicLength) {
                        if (!topic.complete()) {
                            return topicProblem();
                        }
                        String problem = toProperties((header >> 1 & 3) == 0 ? 0 : 2, true);
                        if (problem != null) {
                            return problem;
                        }
                    }
                }
                case BEFORE_PROPERTIES -> {
                    int n = Math.min(beforeProperties, end - i);
                    i += n;
                    remaining -= n;
                    beforeProperties -= n;
                    if (beforeProperties == 0) {
                        startProperties();
                    }
                }
                case PROPERTIES -> {
                    int next = properties.scan(buf, i, (int) Math.min(end, i + remaining));
                    remaining -= next - i;
                    i = next;
                    if (properties.problem() != null) {
                        return properties.problem();
                    }
                    if (properties.done()) {
                        state = remaining == 0 ? State.HEADER : State.SKIP;
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * After the part of the variable header that was read: for MQTT 5, the next {@code prefix} bytes come before
     * the property block, which is there if the packet is longer, and must be there if {@code required}.
     *
     * @return what is wrong, or null
     */
    private String toProperties(int prefix, boolean required) {
        if (properties != null && prefix >= 0 && remaining > prefix) {
            beforeProperties = prefix;
            if (prefix == 0) {
                startProperties();
            } else {
                state = State.BEFORE_PROPERTIES;
            }
        } else if (properties != null && prefix >= 0 && required) {
            // a 3.1.1-only broker answers an MQTT 5 CONNECT with its own 2-byte CONNACK (return code 1)
            return "a " + typeName(header) + " that ends before its property length" + (header >> 4 == 2
                    && remaining == 2 ? ", like an MQTT 3.1.1 CONNACK: does the broker support MQTT 5?" : "");
        } else {
            state = remaining == 0 ? State.HEADER : State.SKIP;
        }
        return null;
    }

    private void startProperties() {
        properties.start(typeName(header), header >> 4, remaining);
        state = State.PROPERTIES;
    }

    /**
     * In MQTT 5, the bytes of the variable header before the property block of a packet a broker sends (the
     * packet id of PUBLISH depends on its QoS and is handled apart), or -1 for a packet without properties.
     */
    private static int bytesBeforeProperties(int header) {
        return switch (header >> 4) {
            case 2, 9, 11 -> 2; // CONNACK: flags, reason code; SUBACK, UNSUBACK: packet id
            case 4, 5, 6, 7 -> 3; // packet id, reason code
            case 14, 15 -> 1; // DISCONNECT, AUTH: reason code
            default -> -1;
        };
    }

    /** In MQTT 5, whether the packet always has a property length (else it may end before it). */
    private static boolean propertiesRequired(int header) {
        int type = header >> 4;
        return type == 2 || type == 9 || type == 11;
    }

    /** The fewest bytes after the fixed header that the packet needs: a packet id, and a topic length for PUBLISH. */
    private static int minimumLength(int header) {
        return switch (header >> 4) {
            case 3 -> (header >> 1 & 3) == 0 ? 2 : 4;
            case 4, 5, 6, 7, 9, 11 -> 2;
            default -> 0;
        };
    }

    private static String typeName(int header) {
        return switch (header >> 4) {
            case 2 -> "CONNACK";
            case 3 -> "PUBLISH";
            case 4 -> "PUBACK";
            case 5 -> "PUBREC";
            case 6 -> "PUBREL";
            case 7 -> "PUBCOMP";
            case 9 -> "SUBACK";
            case 11 -> "UNSUBACK";
            case 14 -> "DISCONNECT";
            case 15 -> "AUTH";
            default -> "packet of type " + (header >> 4);
        };
    }

    private String topicProblem() {
        return topic.sawNull() ? "a PUBLISH topic name that contains the null character U+0000"
                : "a PUBLISH topic name that is not valid UTF-8";
    }
}
