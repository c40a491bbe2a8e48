package io.github.camelmqttbridge.examples.javadsl;

import org.apache.camel.main.Main;

/** Runs {@link MqttToFileRoute} with camel-main; settings come from application.properties or -D / env. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addRoutesBuilder(new MqttToFileRoute());
        main.run(args);
    }
}
