package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Dante SOCKS5 server ({@code danted}, package dante-server) run in the foreground on a free 127.0.0.1
 * port with a generated configuration that demands user name / password authentication (RFC 1929); stopped by its
 * pid. Dante checks that method against the system's password database, so this class creates a throw-away system
 * user (no home, no login shell, a random password) for the proxy's life and deletes it on {@link #close()} (and
 * at JVM exit): it must run as root, as CI and the developers' machines do.
 */
public final class DanteProxy implements AutoCloseable {

    static final String INSTALL_HINT = "install it with: apt-get install -y dante-server";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

    private final Path directory;
    private final int port;
    private final String user;
    private final String password;
    private final ChildProcess process;
    private final Thread deleteUserOnExit;

    private DanteProxy(Path directory, int port, String user, String password, ChildProcess process, Thread deleteUserOnExit) {
        this.directory = directory;
        this.port = port;
        this.user = user;
        this.password = password;
        this.process = process;
        this.deleteUserOnExit = deleteUserOnExit;
    }

    /** Starts danted with a new throw-away user; {@link #user()} and {@link #password()} are its credentials. */
    public static DanteProxy start() {
        Path binary = ExecutableLocator.find("danted", Path.of("/usr/sbin/danted")).orElseThrow(
                () -> new IllegalStateException("'danted' not found at /usr/sbin/danted nor on PATH; " + INSTALL_HINT));
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("DanteProxy needs root: Dante's username method checks system users, and"
                    + " this test creates one for the proxy's life (running as " + System.getProperty("user.name") + ")");
        }
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        String user = "mqbsocks" + HexFormat.of().formatHex(bytes, 0, 4);
        String password = "Sx-" + HexFormat.of().formatHex(bytes, 4, 12);
        run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        Thread deleteUser = new Thread(() -> deleteUser(user), "delete-" + user);
        Runtime.getRuntime().addShutdownHook(deleteUser);
        Path directory = TestDirectories.create("danted-");
        try {
            runWithInput(user + ":" + password + "\n", "chpasswd");
            int port = FreePorts.find();
            Path conf = directory.resolve("danted.conf");
            Files.write(conf, List.of(
                    "logoutput: stderr",
                    "internal: 127.0.0.1 port = " + port,
                    "external: 127.0.0.1",
                    "clientmethod: none",
                    "socksmethod: username",
                    "user.privileged: root",
                    "user.unprivileged: nobody",
                    "client pass {",
                    "  from: 127.0.0.1/32 to: 0.0.0.0/0",
                    "}",
                    "socks pass {",
                    "  from: 127.0.0.1/32 to: 0.0.0.0/0",
                    "  command: connect",
                    "  socksmethod: username",
                    "  log: connect error",
                    "}"), StandardCharsets.UTF_8);
            // -N 1: one process for accepting; the foreground mother logs to stderr, which ChildProcess keeps.
            ChildProcess process = ChildProcess.start("danted",
                    new ProcessBuilder(binary.toString(), "-f", conf.toString(), "-N", "1"), directory.resolve("danted.log"));
            process.awaitReady("accept connections on 127.0.0.1:" + port, STARTUP_TIMEOUT, () -> PortProbe.accepts(port),
                    () -> "\n--- " + conf + " ---\n" + ChildProcess.tail(conf, 50));
            return new DanteProxy(directory, port, user, password, process, deleteUser);
        } catch (IOException | RuntimeException e) {
            deleteUser(user);
            removeHook(deleteUser);
            TestDirectories.deleteRecursively(directory);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** How many connections to {@code targetPort} Dante let through so far (from its log). */
    public long connectionsTo(int targetPort) {
        return log().lines().filter(l -> l.contains("pass(1): tcp/connect [") && l.stripTrailing().endsWith("." + targetPort)).count();
    }

    public String log() {
        return ChildProcess.tail(process.logFile(), 2000);
    }

    @Override
    public void close() {
        try {
            process.stop(Duration.ofSeconds(10));
        } finally {
            deleteUser(user);
            removeHook(deleteUserOnExit);
            TestDirectories.deleteRecursively(directory);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException jvmExiting) {
            // the hook runs anyway
        }
    }

    private static void deleteUser(String user) {
        try {
            Process p = new ProcessBuilder("userdel", user).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // best effort: a left-over system user without login shell or home
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(String... command) {
        runWithInput(null, command);
    }

    private static void runWithInput(String input, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command[0] + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command[0], e);
        }
    }
}
