package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Writes the configuration file of Mosquitto's dynamic security plugin (what {@code mosquitto_ctrl dynsec init}
 * would start, plus users): every client may publish, receive and subscribe by default, and the users get one role
 * that denies {@code subscribePattern} for each refused filter, so such a SUBSCRIBE is answered with a SUBACK
 * failure code. An {@code acl_file} cannot do that: Mosquitto 2.0 accepts the SUBSCRIBE and only filters what it
 * delivers. Passwords are stored the plugin's way: PBKDF2-HMAC-SHA512, 101 iterations, 12-byte salt, Base64.
 */
final class MosquittoDynamicSecurity {

    private static final int ITERATIONS = 101;
    private static final String ROLE = "restricted";
    private static final SecureRandom RANDOM = new SecureRandom();

    private MosquittoDynamicSecurity() {
    }

    /** The plugin's shared library as Debian installs it (mosquitto 2.0), if present. */
    static Optional<Path> plugin() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/lib/mosquitto_dynamic_security.so"),
                Path.of("/usr/local/lib/mosquitto_dynamic_security.so")));
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            dirs.filter(Files::isDirectory).map(d -> d.resolve("mosquitto_dynamic_security.so")).forEach(candidates::add);
        } catch (IOException | RuntimeException e) {
            // no /usr/lib to look into
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    static Path write(Path directory, Map<String, String> users, List<String> deniedSubscribePatterns) {
        StringBuilder json = new StringBuilder("{\n  \"clients\": [");
        List<String> clients = new ArrayList<>();
        users.forEach((name, password) -> clients.add(client(name, password)));
        json.append(String.join(",", clients)).append("\n  ],\n");
        List<String> acls = deniedSubscribePatterns.stream().map(pattern -> "{\"acltype\": \"subscribePattern\", "
                + "\"topic\": " + quoted(pattern) + ", \"allow\": false}").toList();
        json.append("  \"roles\": [{\"rolename\": \"" + ROLE + "\", \"acls\": [")
                .append(String.join(", ", acls)).append("]}],\n");
        json.append("  \"defaultACLAccess\": {\"publishClientSend\": true, \"publishClientReceive\": true, "
                + "\"subscribe\": true, \"unsubscribe\": true}\n}\n");
        try {
            return Files.writeString(directory.resolve("dynamic-security.json"), json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the dynamic security file into " + directory, e);
        }
    }

    private static String client(String name, String password) {
        byte[] salt = new byte[12];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return "\n    {\"username\": " + quoted(name) + ", \"password\": \"" + b64.encodeToString(hash(password, salt))
                + "\", \"salt\": \"" + b64.encodeToString(salt) + "\", \"iterations\": " + ITERATIONS
                + ", \"roles\": [{\"rolename\": \"" + ROLE + "\"}]}";
    }

    private static byte[] hash(String password, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 512)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
