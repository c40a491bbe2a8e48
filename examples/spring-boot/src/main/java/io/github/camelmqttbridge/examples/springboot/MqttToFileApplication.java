package io.github.camelmqttbridge.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Boot application; camel-spring-boot starts the Camel context and finds {@link MqttToFileRoute}. */
@SpringBootApplication
public class MqttToFileApplication {

    public static void main(String[] args) {
        SpringApplication.run(MqttToFileApplication.class, args);
    }
}
