package io.github.camelmqttbridge.runner;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;

/**
 * One status line from Camel's own route statistics (JMX, via {@link ManagedCamelContext}), summed over the
 * routes that read from outside (not {@code direct:}):
 * messages in and out per second since the last line, in flight, acked (exchanges completed: the consumer
 * acknowledges on completion, dead-lettered ones included), dead-lettered (failures handled by an error
 * handler), failed (not acked, left for redelivery), and reconnects when the consumers publish a
 * {@code Reconnects} JMX attribute.
 */
final class StatusLine {

    private final CamelContext context;
    private long lastIn;
    private long lastOut;
    private long lastNanos = System.nanoTime();

    StatusLine(CamelContext context) {
        this.context = context;
    }

    synchronized String next() {
        ManagedCamelContext managed = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        long in = 0;
        long out = 0;
        long inflight = 0;
        long deadLettered = 0;
        long failed = 0;
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint().getEndpointUri().startsWith("direct:")) {
                continue;
            }
            ManagedRouteMBean mbean = managed == null ? null : managed.getManagedRoute(route.getRouteId());
            if (mbean == null) {
                continue;
            }
            in += mbean.getExchangesTotal();
            out += mbean.getExchangesCompleted();
            inflight += mbean.getExchangesInflight();
            deadLettered += mbean.getFailuresHandled();
            failed += mbean.getExchangesFailed();
        }
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - lastNanos) / 1e9);
        String line = String.format(Locale.ROOT,
                "status: in %.1f msg/s, out %.1f msg/s, in flight %d, acked %d, dead-lettered %d, failed %d, reconnects %s",
                (in - lastIn) / seconds, (out - lastOut) / seconds, inflight, out, deadLettered, failed, reconnects());
        lastIn = in;
        lastOut = out;
        lastNanos = now;
        return line;
    }

    private String reconnects() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null);
            long total = 0;
            boolean any = false;
            for (ObjectName name : names) {
                try {
                    Object value = server.getAttribute(name, "Reconnects");
                    if (value instanceof Number n) {
                        total += n.longValue();
                        any = true;
                    }
                } catch (Exception notThere) {
                    // a consumer without the attribute
                }
            }
            return any ? Long.toString(total) : "n/a";
        } catch (Exception e) {
            return "n/a";
        }
    }
}
