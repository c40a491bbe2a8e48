package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes mosquitto.conf and the password and ACL files it points to into the broker's directory. */
final class MosquittoConfigWriter {

    private final Path directory;
    private final List<String> lines = new ArrayList<>();

    MosquittoConfigWriter(Path directory) {
        this.directory = directory;
    }

    Path write(MosquittoBroker.Settings settings, MosquittoBroker.Ports ports) {
        int port = ports.plain();
        try {
            // Mosquitto started as root drops to user "mosquitto", which could not write into our temp dir.
            lines.add("user " + System.getProperty("user.name"));
            lines.add("log_dest file " + directory.resolve("mosquitto.log"));
            lines.add("log_type all");
            lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
            if (settings.persistence()) {
                Path data = Files.createDirectories(directory.resolve("data"));
                lines.add("persistence true");
                lines.add("persistence_location " + data + "/");
            } else {
                lines.add("persistence false");
            }
            if (settings.users() != null) {
                lines.add("allow_anonymous false");
                lines.add("password_file " + writePasswordFile(settings.users()));
            } else if (settings.dynamicSecurityUsers() != null) {
                Path plugin = MosquittoDynamicSecurity.plugin().orElseThrow(() -> new IllegalStateException(
                        "Mosquitto's dynamic security plugin (mosquitto_dynamic_security.so) was not found under /usr/lib; "
                                + ExecutableLocator.INSTALL_HINT));
                lines.add("allow_anonymous false");
                lines.add("plugin " + plugin);
                lines.add("plugin_opt_config_file " + MosquittoDynamicSecurity.write(directory,
                        settings.dynamicSecurityUsers(), settings.deniedSubscribePatterns()));
            } else {
                lines.add("allow_anonymous true");
            }
            if (settings.aclText() != null) {
                Path acl = Files.writeString(directory.resolve("acl"), settings.aclText(), StandardCharsets.UTF_8);
                lines.add("acl_file " + acl);
            }
            lines.add("listener " + port + " 127.0.0.1");
            if (settings.extraConfig() != null) {
                lines.add(settings.extraConfig());
            }
            if (settings.tlsCertificates() != null) {
                addTlsListener(settings, ports.tls(), false);
            }
            if (ports.webSocket() != 0) {
                lines.add("listener " + ports.webSocket() + " 127.0.0.1");
                lines.add("protocol websockets");
            }
            if (ports.secureWebSocket() != 0) {
                addTlsListener(settings, ports.secureWebSocket(), true);
            }
            return Files.write(directory.resolve("mosquitto.conf"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the Mosquitto configuration into " + directory, e);
        }
    }

    private void addTlsListener(MosquittoBroker.Settings settings, int tlsPort, boolean webSockets) {
        TestCertificates certs = settings.tlsCertificates();
        Path cert;
        Path key;
        switch (settings.serverCertificate()) {
            case WRONG_HOST -> {
                cert = certs.wrongHostCertPem();
                key = certs.wrongHostKeyPem();
            }
            case UNTRUSTED_SELF_SIGNED -> {
                cert = certs.untrustedCertPem();
                key = certs.untrustedKeyPem();
            }
            default -> {
                cert = certs.serverCertPem();
                key = certs.serverKeyPem();
            }
        }
        lines.add("listener " + tlsPort + " 127.0.0.1");
        if (webSockets) {
            lines.add("protocol websockets");
        }
        lines.add("cafile " + certs.caCertPem());
        lines.add("certfile " + cert);
        lines.add("keyfile " + key);
        lines.add("require_certificate " + settings.requireClientCertificate());
    }

    private Path writePasswordFile(Map<String, String> users) throws IOException {
        return writePasswordFile(directory, users);
    }

    /** Writes {@code <directory>/passwords} anew with exactly these users. */
    static Path writePasswordFile(Path directory, Map<String, String> users) {
        Path file = directory.resolve("passwords");
        Path next = directory.resolve("passwords.next");
        try {
            // mosquitto_passwd -b only updates an existing file; the new file replaces the old one in one step, so
            // a reload never reads a half-written file.
            Files.writeString(next, "");
            Path tool = ExecutableLocator.require("mosquitto_passwd", Path.of("/usr/bin/mosquitto_passwd"));
            for (Map.Entry<String, String> user : users.entrySet()) {
                runPasswd(tool, next, user.getKey(), user.getValue());
            }
            return Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the password file " + file, e);
        }
    }

    private static void runPasswd(Path tool, Path file, String user, String password) throws IOException {
        Process process = new ProcessBuilder(tool.toString(), "-b", file.toString(), user, password)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(
                        "mosquitto_passwd failed for user '" + user + "' (exit " + exit + "): " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running mosquitto_passwd", e);
        }
    }
}
