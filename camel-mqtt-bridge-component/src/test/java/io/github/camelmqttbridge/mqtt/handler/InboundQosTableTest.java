package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.InboundQosTable.Phase.ACKED;
import static io.github.camelmqttbridge.mqtt.handler.InboundQosTable.Phase.ACKED_AWAITING_RESEND;
import static io.github.camelmqttbridge.mqtt.handler.InboundQosTable.Phase.AWAITING_PUBREL;
import static io.github.camelmqttbridge.mqtt.handler.InboundQosTable.Phase.DELIVERED;
import static io.github.camelmqttbridge.mqtt.handler.InboundQosTable.Phase.DELIVERED_AWAITING_RESEND;
import static io.github.camelmqttbridge.mqtt.handler.InboundQosTable.Phase.DONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The inbound QoS state machine alone: no channel, no store, no threads. */
class InboundQosTableTest {

    /** Records what the table writes; refuses to record the QoS 2 ids in {@code storeFailsFor}. */
    private static final class Wire implements InboundQosTable.AckWriter {
        final List<String> written = new ArrayList<>();
        final Set<Integer> storeFailsFor = new HashSet<>();

        @Override
        public void puback(int packetId) {
            written.add("PUBACK:" + packetId);
        }

        @Override
        public boolean pubrec(int packetId) {
            if (storeFailsFor.contains(packetId)) {
                return false;
            }
            written.add("PUBREC:" + packetId);
            return true;
        }

        List<String> take() {
            List<String> all = List.copyOf(written);
            written.clear();
            return all;
        }
    }

    private final InboundQosTable table = new InboundQosTable();
    private final Wire wire = new Wire();

    @Test
    void reportsTheArrivalTimeOfEachTimedAckWhenItIsWrittenAndNoneForUntimedOrRefusedOnes() {
        List<String> timed = new ArrayList<>();
        InboundQosTable.AckWriter timing = new InboundQosTable.AckWriter() {
            @Override
            public void puback(int packetId) {
                wire.puback(packetId);
            }

            @Override
            public boolean pubrec(int packetId) {
                return wire.pubrec(packetId);
            }

            @Override
            public void written(int qos, long arrivedNanos) {
                timed.add(qos + "@" + arrivedNanos);
            }
        };
        InboundQosTable.Entry first = table.admit(1, 1, 1_000);
        InboundQosTable.Entry second = table.admit(2, 2, 2_000);
        InboundQosTable.Entry untimed = table.admit(3, 1); // e.g. an overlap copy acknowledged without delivery
        InboundQosTable.Entry refused = table.admit(4, 2, 4_000);
        wire.storeFailsFor.add(4);
        table.acknowledged(second);
        table.acknowledged(untimed);
        table.acknowledged(refused);
        assertThat(table.drain(timing)).isZero();
        assertThat(timed).as("nothing written, nothing timed: acks leave in arrival order").isEmpty();
        table.acknowledged(first);
        assertThat(table.drain(timing)).isEqualTo(3);
        assertThat(wire.take()).containsExactly("PUBACK:1", "PUBREC:2", "PUBACK:3");
        assertThat(timed).containsExactly("1@1000", "2@2000");
    }

    @Test
    void qos1GoesFromDeliveredToAckedToDoneWithPuback() {
        InboundQosTable.Entry e = table.admit(10, 1);
        assertThat(e.phase()).isEqualTo(DELIVERED);
        assertThat(table.drain(wire)).isZero();

        table.acknowledged(e);
        assertThat(e.phase()).isEqualTo(ACKED);
        assertThat(table.drain(wire)).isEqualTo(1);

        assertThat(wire.take()).containsExactly("PUBACK:10");
        assertThat(e.phase()).isEqualTo(DONE);
        assertThat(table.phaseOf(10)).isEqualTo(DONE);
        assertThat(table.unacknowledged()).isZero();
    }

    @Test
    void qos2WaitsForPubrelAfterPubrecAndIsDoneAfterIt() {
        InboundQosTable.Entry e = table.admit(7, 2);
        table.acknowledged(e);
        table.drain(wire);

        assertThat(wire.take()).containsExactly("PUBREC:7");
        assertThat(table.phaseOf(7)).isEqualTo(AWAITING_PUBREL);
        assertThat(table.unacknowledged()).as("PUBREC written: no longer counts").isZero();
        assertThat(table.awaitingPubrel()).isEqualTo(1);

        assertThat(table.released(7)).isTrue();
        assertThat(table.phaseOf(7)).isEqualTo(DONE);
        assertThat(table.released(7)).as("a second PUBREL finds nothing").isFalse();
    }

    @Test
    void acksLeaveInArrivalOrderWhateverOrderTheApplicationFinishes() {
        InboundQosTable.Entry first = table.admit(1, 1);
        InboundQosTable.Entry second = table.admit(2, 2);
        InboundQosTable.Entry third = table.admit(3, 1);

        table.acknowledged(third);
        table.acknowledged(second);
        assertThat(table.drain(wire)).isZero();
        assertThat(table).hasToString("[1:DELIVERED 2:ACKED 3:ACKED]");

        table.acknowledged(first);
        table.drain(wire);
        assertThat(wire.take()).containsExactly("PUBACK:1", "PUBREC:2", "PUBACK:3");
        assertThat(table).hasToString("[2:AWAITING_PUBREL]");
    }

    @Test
    void aStoreThatCannotRecordTheQos2IdStopsTheDrainThereAndWritesNothingBehindIt() {
        InboundQosTable.Entry qos2 = table.admit(1, 2);
        InboundQosTable.Entry qos1 = table.admit(2, 1);
        table.acknowledged(qos2);
        table.acknowledged(qos1);
        wire.storeFailsFor.add(1);

        assertThat(table.drain(wire)).isZero();
        assertThat(wire.take()).isEmpty();
        assertThat(table).hasToString("[1:ACKED 2:ACKED]");
    }

    @Test
    void aFailedDeliveryLeavesTheOrderWithoutAckAndNoLongerHoldsTheAcksBehindIt() {
        InboundQosTable.Entry thrown = table.admit(1, 1);
        InboundQosTable.Entry next = table.admit(2, 1);
        table.acknowledged(next);
        assertThat(table.drain(wire)).isZero();

        assertThat(table.failed(thrown)).isTrue();
        table.drain(wire);

        assertThat(wire.take()).containsExactly("PUBACK:2");
        assertThat(thrown.phase()).isEqualTo(DONE);
        assertThat(table.phaseOf(1)).as("a re-send of it is a new message").isEqualTo(DONE);
        assertThat(table.failed(next)).as("only a delivery still owed an ack can fail").isFalse();
    }

    @Test
    void resumedSessionMakesEveryUnwrittenAckWaitForTheBrokersResend() {
        InboundQosTable.Entry inApp = table.admit(4, 2);
        InboundQosTable.Entry done = table.admit(5, 1);
        table.acknowledged(done);
        table.admit(6, 1);
        InboundQosTable.Entry behind = table.admit(3, 2);
        table.failed(table.admit(9, 1));
        table.acknowledged(behind); // done, but its PUBREC waits behind 4 and 6

        table.resumed();
        assertThat(table).hasToString("[4:DELIVERED_AWAITING_RESEND 5:ACKED_AWAITING_RESEND 6:DELIVERED_AWAITING_RESEND "
                + "3:ACKED_AWAITING_RESEND]");
        assertThat(table.awaitingResend()).isEqualTo(4);

        table.acknowledged(inApp);
        assertThat(inApp.phase()).isEqualTo(ACKED_AWAITING_RESEND);
        assertThat(table.drain(wire)).as("nothing before the re-sends").isZero();

        assertThat(table.resendArrived(4)).isTrue();
        assertThat(table.resendArrived(4)).as("only once").isFalse();
        table.drain(wire);
        assertThat(wire.take()).containsExactly("PUBREC:4");
        assertThat(table.resendArrived(5)).isTrue();
        table.drain(wire);
        assertThat(wire.take()).containsExactly("PUBACK:5");
        assertThat(table.phaseOf(6)).isEqualTo(DELIVERED_AWAITING_RESEND);
    }

    @Test
    void aFirstTransmissionEndsTheWaitForResendsOfEveryEntry() {
        InboundQosTable.Entry a = table.admit(1, 1);
        InboundQosTable.Entry b = table.admit(2, 1);
        table.acknowledged(a);
        table.resumed();
        assertThat(table.resendsOver()).isTrue();

        assertThat(a.phase()).isEqualTo(ACKED);
        assertThat(b.phase()).isEqualTo(DELIVERED);
        assertThat(table.awaitingResend()).isZero();
        assertThat(table.resendsOver()).as("nothing waits any more: no scan").isFalse();
        table.drain(wire);
        assertThat(wire.take()).containsExactly("PUBACK:1");
    }

    @Test
    void failingADeliveryThatAwaitsItsResendKeepsTheCountRight() {
        InboundQosTable.Entry a = table.admit(1, 1);
        table.resumed();
        assertThat(table.failed(a)).isTrue();
        assertThat(table.awaitingResend()).isZero();
        assertThat(table.resendArrived(1)).isFalse();
    }

    @Test
    void sessionLostEndsEverythingAndLateAcksWriteNothing() {
        InboundQosTable.Entry inApp = table.admit(1, 1);
        InboundQosTable.Entry pubrec = table.admit(2, 2);
        table.acknowledged(pubrec);
        table.drain(wire);
        wire.take();

        table.sessionLost();
        assertThat(inApp.phase()).isEqualTo(DONE);
        assertThat(pubrec.phase()).isEqualTo(DONE);
        assertThat(table.unacknowledged()).isZero();
        assertThat(table.awaitingPubrel()).isZero();

        table.acknowledged(inApp);
        assertThat(table.drain(wire)).isZero();
        InboundQosTable.Entry reused = table.admit(1, 1);
        assertThat(reused.phase()).as("the new session's id 1 is a new message").isEqualTo(DELIVERED);
    }

    @Test
    void recoveredIdsAwaitPubrelAndAQos1MessageUnderOneOfThemEndsThatFlow() {
        table.recoverAwaitingPubrel(Set.of(11, 12));
        assertThat(table.phaseOf(11)).isEqualTo(AWAITING_PUBREL);
        assertThat(table.awaitingPubrel()).isEqualTo(2);

        table.abandonRelease(12);
        assertThat(table.phaseOf(12)).isEqualTo(DONE);
        assertThat(table.admit(12, 1).phase()).isEqualTo(DELIVERED);
    }

    @Test
    void anIdInTheTableCannotBeAdmittedTwice() {
        table.admit(1, 1);
        assertThatThrownBy(() -> table.admit(1, 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("packet id 1 is already in phase DELIVERED");
        assertThatThrownBy(() -> table.admit(2, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
