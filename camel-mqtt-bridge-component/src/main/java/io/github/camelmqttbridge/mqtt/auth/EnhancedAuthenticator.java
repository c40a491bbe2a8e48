package io.github.camelmqttbridge.mqtt.auth;

/**
 * MQTT 5 enhanced authentication (MQTT 5 section 4.12): a challenge/response exchange named by an Authentication
 * Method, run at connect (CONNECT with method and data, the broker's AUTH 0x18 challenges answered with AUTH 0x18,
 * CONNACK) and again on a live connection when the client re-authenticates (AUTH 0x19 ... AUTH 0x00).
 *
 * <p>The engine calls these methods on a thread of its own, never on the network event loop, so an implementation
 * may block briefly (e.g. to fetch a token). One {@link Exchange} serves one exchange and is not reused; the
 * engine calls it from one thread at a time. {@link ScramAuthenticator} is the shipped implementation.
 */
public interface EnhancedAuthenticator {

    /** The Authentication Method, e.g. {@code SCRAM-SHA-256}; sent in CONNECT and in every AUTH packet. */
    String method();

    /**
     * Starts one exchange.
     *
     * @param serverUri        the broker being authenticated to, e.g. {@code wss://broker:443/mqtt}
     * @param reauthentication false for the exchange of a new connection, true for a re-authentication
     */
    Exchange start(String serverUri, boolean reauthentication) throws Exception;

    /** One authentication exchange: initial data, a step per challenge, and the check of the broker's last word. */
    interface Exchange {

        /** The Authentication Data of CONNECT (or of AUTH 0x19 when re-authenticating); null sends none. */
        byte[] initialData() throws Exception;

        /**
         * The broker sent a challenge (AUTH with reason 0x18 Continue authentication): returns the data of our
         * answer (AUTH 0x18; null sends none). Throw to give up: the connection is then closed.
         *
         * @param challenge the broker's Authentication Data; null when it sent none
         */
        byte[] respond(byte[] challenge) throws Exception;

        /**
         * The broker accepted (CONNACK 0x00, or AUTH 0x00 after a re-authentication) and sent this final data (null
         * when none). Throw if it does not prove the broker's identity, e.g. a SCRAM server signature that does not
         * match: the connection is then closed and not used.
         */
        void complete(byte[] serverFinalData) throws Exception;
    }
}
