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
 * handler or {@code onException}), failed (not acked, left for redelivery), and reconnects: the sum of the
 * {@value #RECONNECTS_ATTRIBUTE} JMX attribute of this context's consumers that have it (the mqtt-bridge
 * consumer's {@code getReconnects()}), "n/a" when none has.
 */
final class StatusLine {

    /** The mqtt-bridge consumer's {@code @ManagedAttribute} for its client's reconnects. */
    static final String RECONNECTS_ATTRIBUTE = "Reconnects";

    /** The counters of one moment; {@code reconnects} null when no consumer publishes them. */
    record Totals(long in, long out, long inflight, long deadLettered, long failed, Long reconnects) {
        static final Totals ZERO = new Totals(0, 0, 0, 0, 0, null);
    }

    private final CamelContext context;
    private Totals last = Totals.ZERO;
    private long lastNanos = System.nanoTime();

    StatusLine(CamelContext context) {
        this.context = context;
    }

    synchronized String next() {
        Totals now = totals();
        long nanos = System.nanoTime();
        String line = format(last, now, (nanos - lastNanos) / 1e9);
        last = now;
        lastNanos = nanos;
        return line;
    }

    /** The line for the counters {@code now}, rates against {@code before} taken {@code seconds} earlier. */
    static String format(Totals before, Totals now, double seconds) {
        double s = Math.max(0.001, seconds);
        return String.format(Locale.ROOT,
                "status: in %.1f msg/s, out %.1f msg/s, in flight %d, acked %d, dead-lettered %d, failed %d, reconnects %s",
                (now.in() - before.in()) / s, (now.out() - before.out()) / s, now.inflight(), now.out(),
                now.deadLettered(), now.failed(), now.reconnects() == null ? "n/a" : now.reconnects().toString());
    }

    Totals totals() {
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
        return new Totals(in, out, inflight, deadLettered, failed, reconnects());
    }

    private Long reconnects() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null);
            String contextName = context.getManagementName();
            long total = 0;
            boolean any = false;
            for (ObjectName name : names) {
                String owner = name.getKeyProperty("context");
                if (owner == null || !(owner.equals(contextName) || owner.equals(ObjectName.quote(contextName)))) {
                    continue;
                }
                try {
                    Object value = server.getAttribute(name, RECONNECTS_ATTRIBUTE);
                    if (value instanceof Number n) {
                        total += n.longValue();
                        any = true;
                    }
                } catch (Exception notThere) {
                    // a consumer without the attribute
                }
            }
            return any ? total : null;
        } catch (Exception e) {
            return null;
        }
    }
}
