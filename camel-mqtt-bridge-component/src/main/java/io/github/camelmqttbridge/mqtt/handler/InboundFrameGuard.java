package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.client.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.client.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Sits before the decoder and looks at the raw bytes for what netty-codec-mqtt gets wrong:
 * <ul>
 * <li>a PUBLISH whose topic name is not well-formed UTF-8 is a malformed packet (MQTT 1.5.4), but the decoder
 * decodes it with replacement characters, after which it can no longer be told from a real U+FFFD;</li>
 * <li>a packet whose remaining length is too short for its packet id, or a topic length beyond the packet: the
 * decoder reads past the packet's end and waits for (or swallows) the bytes of the next packet.</li>
 * <li>a packet larger than our maximum packet size: the decoder checks the limit only after the variable header,
 * so MQTT 5 properties of any announced size would be buffered first.</li>
 * </ul>
 * The bytes pass through unchanged; only the packet boundaries and the topic bytes (at most 65535) are tracked.
 * Anything else malformed is left to the decoder, and tracking stops there.
 */
public final class InboundFrameGuard extends ChannelInboundHandlerAdapter {

    private enum State { HEADER, LENGTH, TOPIC_LENGTH, TOPIC, SKIP, OFF, FAILED }

    private static final String TOO_LARGE = "a packet larger than our maximumPacketSize";

    private final String serverUri;
    private State state = State.HEADER;
    private int header;
    private boolean publish;
    private long remaining;
    private int lengthShift;
    private int topicLength;
    private int topicLengthBytes;
    private byte[] topic;
    private int topicRead;

    private final int maximumPacketSize;

    public InboundFrameGuard(String serverUri, int maximumPacketSize) {
        this.serverUri = serverUri;
        this.maximumPacketSize = maximumPacketSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.FAILED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        String problem = state != State.OFF && msg instanceof ByteBuf buf ? inspect(buf) : null;
        if (problem != null) {
            state = State.FAILED;
            topic = null;
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
                    } else if (remaining == 0) {
                        state = State.HEADER;
                    } else {
                        topicLength = 0;
                        topicLengthBytes = 0;
                        state = publish ? State.TOPIC_LENGTH : State.SKIP;
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
                            state = remaining == 0 ? State.HEADER : State.SKIP;
                        } else {
                            topic = new byte[topicLength];
                            topicRead = 0;
                            state = State.TOPIC;
                        }
                    } else if (remaining == 0) {
                        state = State.OFF;
                    }
                }
                case TOPIC -> {
                    int n = Math.min(topicLength - topicRead, end - i);
                    buf.getBytes(i, topic, topicRead, n);
                    i += n;
                    topicRead += n;
                    remaining -= n;
                    if (topicRead == topicLength) {
                        boolean valid = isUtf8(topic);
                        topic = null;
                        if (!valid) {
                            return "a PUBLISH topic name that is not valid UTF-8";
                        }
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
            case 3 -> "PUBLISH";
            case 4 -> "PUBACK";
            case 5 -> "PUBREC";
            case 6 -> "PUBREL";
            case 7 -> "PUBCOMP";
            case 9 -> "SUBACK";
            default -> "UNSUBACK";
        };
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
