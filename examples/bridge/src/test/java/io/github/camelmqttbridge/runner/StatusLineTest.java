package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;

import org.apache.camel.api.management.ManagedAttribute;
import org.junit.jupiter.api.Test;

import io.github.camelmqttbridge.component.MqttBridgeConsumer;

class StatusLineTest {

    @Test
    void formatsRatesSinceTheLastLineAndTheTotals() {
        StatusLine.Totals before = new StatusLine.Totals(100, 90, 0, 1, 0, 0L);
        StatusLine.Totals now = new StatusLine.Totals(150, 130, 7, 3, 2, 4L);
        assertThat(StatusLine.format(before, now, 10.0)).isEqualTo(
                "status: in 5.0 msg/s, out 4.0 msg/s, in flight 7, acked 130, dead-lettered 3, failed 2, reconnects 4");
    }

    @Test
    void reconnectsAreNotApplicableWithoutAConsumerThatCountsThem() {
        assertThat(StatusLine.format(StatusLine.Totals.ZERO, StatusLine.Totals.ZERO, 0))
                .isEqualTo("status: in 0.0 msg/s, out 0.0 msg/s, in flight 0, acked 0, dead-lettered 0, failed 0, "
                        + "reconnects n/a");
    }

    /** The attribute the status line reads is the one the mqtt-bridge consumer publishes. */
    @Test
    void readsTheConsumersManagedReconnectsAttribute() throws Exception {
        Method getter = MqttBridgeConsumer.class.getMethod("get" + StatusLine.RECONNECTS_ATTRIBUTE);
        assertThat(getter.isAnnotationPresent(ManagedAttribute.class)).isTrue();
        assertThat(getter.getReturnType()).isEqualTo(long.class);
    }
}
