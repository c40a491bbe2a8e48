package io.github.camelmqttbridge.benchmarks.bridge;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * A bridge in a JVM of its own, for the memory scenario: {@code java -Xmx.. -cp benchmarks.jar
 * io.github.camelmqttbridge.benchmarks.bridge.BridgeMain brokerUri topicFilter qos kafkaBootstrap kafkaTopic clientId
 * window sinkRatePerSecond expected}. Prints {@code READY} once the route runs, then every 500 ms
 * {@code STAT <heap used bytes> <live heap bytes or -1> <messages in Kafka>}; the live heap (after a
 * {@code System.gc()}) every 2 s. Runs until stdin closes or it is killed.
 */
public final class BridgeMain {

    private BridgeMain() {
    }

    public static void main(String[] args) throws Exception {
        BridgeInstance.Spec spec = new BridgeInstance.Spec(Variant.OURS, args[0], args[1], Integer.parseInt(args[2]),
                args[3], args[4], args[5], Integer.parseInt(args[6]), null, Double.parseDouble(args[7]));
        Recorder recorder = new Recorder(Integer.parseInt(args[8]));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (BridgeInstance bridge = BridgeInstance.start(spec, recorder)) {
            System.out.println("READY");
            System.out.flush();
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // wait for EOF
                    }
                } catch (Exception ignored) {
                    // parent gone
                }
            }, "stdin");
            stdin.setDaemon(true);
            stdin.start();
            for (int tick = 1; stdin.isAlive(); tick++) {
                Thread.sleep(500);
                long used = memory.getHeapMemoryUsage().getUsed();
                long live = -1;
                if (tick % 4 == 0) {
                    System.gc();
                    live = memory.getHeapMemoryUsage().getUsed();
                }
                System.out.println("STAT " + used + " " + live + " " + recorder.distinct());
                System.out.flush();
            }
        }
    }
}
