package io.github.camelmqttbridge.mqtt.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;

/**
 * Reads the upgrade response before Netty's handshaker checks it: a broker that answers
 * {@code Sec-WebSocket-Protocol} with the whole list we offered ({@code mqtt,mqttv3.1}, as RabbitMQ 3.10's
 * rabbitmq_web_mqtt does) instead of choosing one gets the first offered one that it named, which is what it
 * speaks. Any other answer passes unchanged (and a wrong one still fails the handshake). Removes itself after
 * the first response.
 */
final class SubprotocolAnswerFix extends ChannelInboundHandlerAdapter {

    private final List<String> offered;

    SubprotocolAnswerFix(List<String> offered) {
        this.offered = offered;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpResponse response) {
            String answer = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            if (answer != null && answer.contains(",")) {
                for (String named : answer.split(",")) {
                    if (offered.contains(named.trim())) {
                        response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, named.trim());
                        break;
                    }
                }
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
