package io.github.camelmqttbridge.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class MemorySessionStoreTest extends AbstractSessionStoreContractTest {

    @Override
    protected SessionStore createStore() {
        return new MemorySessionStore();
    }

    /** Memory lives as long as the object: a reconnect is a second open on the same store. */
    @Override
    protected StoredSession reopen() throws IOException {
        return store.open(CLIENT_ID);
    }

    @Test
    void eachClientIdHasItsOwnSession() throws IOException {
        store.saveOutbound(publish(1, "for the first client"));

        assertThat(store.open("another-client").isEmpty()).isTrue();
        assertOutbound(store.open(CLIENT_ID), publish(1, "for the first client"));
    }
}
