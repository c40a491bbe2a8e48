package io.github.camelmqttbridge.mqtt.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MQTT 5 PUBLISH properties (ignored on MQTT 3.1.1 connections). Immutable; build with {@link #builder()}.
 * Absent values are {@code null}; lists are never null.
 */
public final class MessageProperties {

    public static final MessageProperties NONE = builder().build();

    private final Long messageExpiryInterval;
    private final String contentType;
    private final Boolean payloadFormatUtf8;
    private final String responseTopic;
    private final byte[] correlationData;
    private final List<UserProperty> userProperties;
    private final List<Integer> subscriptionIdentifiers;

    private MessageProperties(Builder b) {
        this.messageExpiryInterval = b.messageExpiryInterval;
        this.contentType = b.contentType;
        this.payloadFormatUtf8 = b.payloadFormatUtf8;
        this.responseTopic = b.responseTopic;
        this.correlationData = b.correlationData == null ? null : b.correlationData.clone();
        this.userProperties = List.copyOf(b.userProperties);
        this.subscriptionIdentifiers = List.copyOf(b.subscriptionIdentifiers);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.messageExpiryInterval = messageExpiryInterval;
        b.contentType = contentType;
        b.payloadFormatUtf8 = payloadFormatUtf8;
        b.responseTopic = responseTopic;
        b.correlationData = correlationData;
        b.userProperties.addAll(userProperties);
        b.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        return b;
    }

    /** Seconds; null when the message does not expire. */
    public Long messageExpiryInterval() {
        return messageExpiryInterval;
    }

    public String contentType() {
        return contentType;
    }

    /** TRUE: payload is UTF-8 text; FALSE: unspecified bytes; null: not sent. */
    public Boolean payloadFormatUtf8() {
        return payloadFormatUtf8;
    }

    public String responseTopic() {
        return responseTopic;
    }

    public byte[] correlationData() {
        return correlationData == null ? null : correlationData.clone();
    }

    public List<UserProperty> userProperties() {
        return userProperties;
    }

    /** Inbound only: the identifiers of the subscriptions that matched. */
    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    public boolean isEmpty() {
        return messageExpiryInterval == null && contentType == null && payloadFormatUtf8 == null
                && responseTopic == null && correlationData == null && userProperties.isEmpty()
                && subscriptionIdentifiers.isEmpty();
    }

    @Override
    public String toString() {
        return "MessageProperties[expiry=" + messageExpiryInterval + ", contentType=" + contentType
                + ", utf8=" + payloadFormatUtf8 + ", responseTopic=" + responseTopic
                + ", correlationData=" + (correlationData == null ? null : Arrays.toString(correlationData))
                + ", userProperties=" + userProperties + ", subscriptionIds=" + subscriptionIdentifiers + "]";
    }

    public static final class Builder {
        private Long messageExpiryInterval;
        private String contentType;
        private Boolean payloadFormatUtf8;
        private String responseTopic;
        private byte[] correlationData;
        private final List<UserProperty> userProperties = new ArrayList<>();
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

        private Builder() {
        }

        public Builder messageExpiryInterval(Long seconds) {
            if (seconds != null && (seconds < 0 || seconds > 0xFFFFFFFFL)) {
                throw new IllegalArgumentException("message expiry interval must be 0.." + 0xFFFFFFFFL + " seconds, was " + seconds);
            }
            this.messageExpiryInterval = seconds;
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public Builder payloadFormatUtf8(Boolean utf8) {
            this.payloadFormatUtf8 = utf8;
            return this;
        }

        public Builder responseTopic(String responseTopic) {
            this.responseTopic = responseTopic;
            return this;
        }

        public Builder correlationData(byte[] correlationData) {
            this.correlationData = correlationData == null ? null : correlationData.clone();
            return this;
        }

        public Builder userProperty(String key, String value) {
            this.userProperties.add(new UserProperty(key, value));
            return this;
        }

        public Builder userProperties(List<UserProperty> properties) {
            this.userProperties.clear();
            this.userProperties.addAll(properties);
            return this;
        }

        public Builder subscriptionIdentifier(int id) {
            this.subscriptionIdentifiers.add(id);
            return this;
        }

        public MessageProperties build() {
            return new MessageProperties(this);
        }
    }
}
