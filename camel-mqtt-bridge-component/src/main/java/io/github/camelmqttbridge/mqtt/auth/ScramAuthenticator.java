package io.github.camelmqttbridge.mqtt.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677), client side, as MQTT 5 enhanced authentication with the
 * Authentication Method {@code SCRAM-SHA-256} / {@code SCRAM-SHA-512}: CONNECT carries the client-first message,
 * the broker's AUTH 0x18 the server-first message, our AUTH 0x18 the client-final message with the proof, and
 * CONNACK (or AUTH 0x00 after a re-authentication) the server-final message, whose server signature is checked:
 * a broker that does not know the password cannot pass. The password never leaves this object. No channel binding
 * (gs2 header {@code n,,}); user name and password are normalised with SASLprep's mappings and NFKC.
 *
 * <p>The broker must ask for at least {@value #MIN_ITERATIONS} iterations (RFC 7677's minimum) and at most
 * {@value #MAX_ITERATIONS}; anything else ends the exchange.
 */
public final class ScramAuthenticator implements EnhancedAuthenticator {

    static final int MIN_ITERATIONS = 4096;
    static final int MAX_ITERATIONS = 1_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String method;
    private final String digest;
    private final String hmac;
    private final String userName;
    private final char[] password;
    private final Supplier<String> nonces;

    private ScramAuthenticator(String method, String digest, String hmac, String userName, char[] password,
            Supplier<String> nonces) {
        if (userName == null || userName.isEmpty()) {
            throw new IllegalArgumentException(method + " needs a user name");
        }
        if (password == null) {
            throw new IllegalArgumentException(method + " needs a password");
        }
        this.method = method;
        this.digest = digest;
        this.hmac = hmac;
        this.userName = userName;
        this.password = password.clone();
        this.nonces = nonces;
    }

    public static ScramAuthenticator sha256(String userName, char[] password) {
        return new ScramAuthenticator("SCRAM-SHA-256", "SHA-256", "HmacSHA256", userName, password,
                ScramAuthenticator::randomNonce);
    }

    public static ScramAuthenticator sha512(String userName, char[] password) {
        return new ScramAuthenticator("SCRAM-SHA-512", "SHA-512", "HmacSHA512", userName, password,
                ScramAuthenticator::randomNonce);
    }

    /** SCRAM-SHA-256 or SCRAM-SHA-512 by name (case-insensitive). */
    public static ScramAuthenticator forMethod(String method, String userName, char[] password) {
        return switch (method.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "SCRAM-SHA-256" -> sha256(userName, password);
            case "SCRAM-SHA-512" -> sha512(userName, password);
            default -> throw new IllegalArgumentException("No shipped authenticator for '" + method
                    + "': SCRAM-SHA-256 and SCRAM-SHA-512 are built in; any other method needs an authenticator bean");
        };
    }

    /** True for the methods {@link #forMethod} knows. */
    public static boolean isScram(String method) {
        String m = method == null ? "" : method.trim().toUpperCase(java.util.Locale.ROOT);
        return m.equals("SCRAM-SHA-256") || m.equals("SCRAM-SHA-512");
    }

    /** For tests with the RFC's fixed nonce. */
    static ScramAuthenticator withNonce(String method, String userName, char[] password, String nonce) {
        ScramAuthenticator a = forMethod(method, userName, password);
        return new ScramAuthenticator(a.method, a.digest, a.hmac, userName, password, () -> nonce);
    }

    private static String randomNonce() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public Exchange start(String serverUri, boolean reauthentication) {
        return new ScramExchange(nonces.get());
    }

    @Override
    public String toString() {
        return "ScramAuthenticator[" + method + ", userName=" + userName + ", password=******]";
    }

    /** One SCRAM conversation: client-first, client-final, verification of the server-final message. */
    private final class ScramExchange implements Exchange {
        private final String clientNonce;
        private final String clientFirstBare;
        private byte[] expectedServerSignature;

        ScramExchange(String clientNonce) {
            this.clientNonce = clientNonce;
            this.clientFirstBare = "n=" + saslName(saslPrep(userName)) + ",r=" + clientNonce;
        }

        @Override
        public byte[] initialData() {
            return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] respond(byte[] challenge) throws MqttAuthenticationException {
            if (expectedServerSignature != null) {
                throw new MqttAuthenticationException(method + ": the broker sent another challenge after our proof");
            }
            if (challenge == null || challenge.length == 0) {
                throw new MqttAuthenticationException(method + ": the broker's challenge has no data");
            }
            String serverFirst = new String(challenge, StandardCharsets.UTF_8);
            Map<Character, String> fields = parse(serverFirst);
            if (fields.containsKey('m')) {
                throw new MqttAuthenticationException(method + ": the broker demands an extension we do not support");
            }
            if (fields.containsKey('e')) {
                throw new MqttAuthenticationException(method + ": the broker reported an error: " + fields.get('e'));
            }
            String nonce = required(fields, 'r', "nonce");
            if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
                throw new MqttAuthenticationException(method + ": the broker's nonce does not extend ours");
            }
            byte[] salt;
            int iterations;
            try {
                salt = Base64.getDecoder().decode(required(fields, 's', "salt"));
                iterations = Integer.parseInt(required(fields, 'i', "iteration count"));
            } catch (IllegalArgumentException e) {
                throw new MqttAuthenticationException(method + ": the broker's salt or iteration count is invalid");
            }
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
                throw new MqttAuthenticationException(method + ": the broker asks for " + iterations
                        + " iterations; " + MIN_ITERATIONS + ".." + MAX_ITERATIONS + " are accepted");
            }
            String clientFinalWithoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
            try {
                byte[] saltedPassword = hi(normalizedPassword(), salt, iterations);
                byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
                byte[] storedKey = MessageDigest.getInstance(digest).digest(clientKey);
                byte[] clientSignature = hmac(storedKey, authMessage.getBytes(StandardCharsets.UTF_8));
                byte[] proof = clientKey.clone();
                for (int i = 0; i < proof.length; i++) {
                    proof[i] ^= clientSignature[i];
                }
                byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
                expectedServerSignature = hmac(serverKey, authMessage.getBytes(StandardCharsets.UTF_8));
                Arrays.fill(saltedPassword, (byte) 0);
                return (clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                        .getBytes(StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new MqttAuthenticationException(method + " is not available in this JVM: " + e.getMessage(), e);
            }
        }

        @Override
        public void complete(byte[] serverFinalData) throws MqttAuthenticationException {
            if (expectedServerSignature == null) {
                throw new MqttAuthenticationException(method + ": the broker accepted before the SCRAM exchange was done"
                        + " (it never checked our proof)");
            }
            if (serverFinalData == null || serverFinalData.length == 0) {
                throw new MqttAuthenticationException(method + ": the broker sent no server signature, so it did not"
                        + " prove that it knows the password");
            }
            Map<Character, String> fields = parse(new String(serverFinalData, StandardCharsets.UTF_8));
            if (fields.containsKey('e')) {
                throw new MqttAuthenticationException(method + ": the broker reported an error: " + fields.get('e'));
            }
            byte[] signature;
            try {
                signature = Base64.getDecoder().decode(required(fields, 'v', "server signature"));
            } catch (IllegalArgumentException e) {
                throw new MqttAuthenticationException(method + ": the broker's server signature is not Base64");
            }
            if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
                throw new MqttAuthenticationException(method + ": the broker's server signature is wrong: it does not"
                        + " know the password (or the exchange was tampered with)");
            }
        }

        private String required(Map<Character, String> fields, char key, String what)
                throws MqttAuthenticationException {
            String value = fields.get(key);
            if (value == null || value.isEmpty()) {
                throw new MqttAuthenticationException(method + ": the broker's message has no " + what);
            }
            return value;
        }
    }

    private byte[] normalizedPassword() throws MqttAuthenticationException {
        String prepared = saslPrep(new String(password));
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(prepared));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    /** RFC 5802 Hi(): PBKDF2 with this mechanism's HMAC and one output block. */
    private byte[] hi(byte[] normalizedPassword, byte[] salt, int iterations) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(normalizedPassword, hmac));
        mac.update(salt);
        mac.update(new byte[] { 0, 0, 0, 1 });
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        Arrays.fill(normalizedPassword, (byte) 0);
        return result;
    }

    private byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(key, hmac));
        return mac.doFinal(data);
    }

    /** attr=value pairs separated by commas; a value may contain '=' (Base64). */
    private static Map<Character, String> parse(String message) {
        Map<Character, String> fields = new LinkedHashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                fields.putIfAbsent(part.charAt(0), part.substring(2));
            }
        }
        return fields;
    }

    /** RFC 5802: ',' and '=' in the user name are escaped as =2C and =3D. */
    private static String saslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    /**
     * SASLprep (RFC 4013) as far as it changes real passwords: characters "commonly mapped to nothing" removed,
     * non-ASCII spaces mapped to SPACE, then NFKC; control characters are refused.
     */
    static String saslPrep(String text) {
        StringBuilder mapped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (mappedToNothing(c)) {
                return;
            }
            mapped.appendCodePoint(c != ' ' && Character.isSpaceChar(c) ? ' ' : c);
        });
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        normalized.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.PRIVATE_USE
                    || Character.getType(c) == Character.SURROGATE) {
                // The character is not named: it may be part of the password.
                throw new IllegalArgumentException("SCRAM: the user name or password contains a control, private-use"
                        + " or surrogate character, which SASLprep prohibits");
            }
        });
        return normalized;
    }

    private static boolean mappedToNothing(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D)
                || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
    }
}
