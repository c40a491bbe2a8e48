#!/usr/bin/env python3
"""Where a bridge JVM's CPU went, from async-profiler's collapsed stacks (-Dbench.child.profiler=..., see README.md):
share of samples per part of the path, so that mqtt-bridge and paho-mqtt5 runs can be compared part by part.

Usage: python3 benchmarks/profile_breakdown.py /tmp/bench-profile-<run>.collapsed [...]
"""
import collections, sys

def part(thread, stack):
    if 'Compiler' in thread:
        return 'JIT compiler threads'
    if 'GC Thread' in thread or 'VM Thread' in thread or thread.startswith('[G1'):
        return 'GC and VM threads'
    if 'kafka-producer-network' in thread:
        return 'Kafka client: network thread'
    if 'org/apache/kafka/clients/producer/KafkaProducer.send' in stack:
        return 'Kafka client: send() on the route thread'
    if 'KafkaProducerCallBack' in stack:
        return 'Camel: the route continued after the Kafka ack (incl. our ack hand-off)'
    if 'mqtt-bridge-client' in thread:
        return 'MQTT: our engine (Netty event loop)'
    if thread.startswith('[MQTT '):
        return 'MQTT: Paho threads (incl. the route call on its callback thread)'
    if 'MqttBridgeMessages.toCamel' in stack or 'MqttBridgeConsumer.populate' in stack:
        return 'MQTT message -> Camel exchange (ours)'
    if 'Camel' in thread:
        return 'Camel pool threads: the route up to its Kafka send (ours: the consumer'"'"'s drainers)'
    return 'other'

for path in sys.argv[1:]:
    parts = collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip().rpartition(' ')
            frames = stack.split(';')
            parts[part(frames[0], ';'.join(frames[1:]))] += int(n)
            total += int(n)
    print(f'{path.rsplit("/", 1)[-1]}: {total} samples')
    jit = parts['JIT compiler threads']
    for name, n in parts.most_common():
        rest = '' if name == 'JIT compiler threads' else f'  ({100 * n / (total - jit):4.1f} % without JIT)'
        print(f'  {100 * n / total:5.1f} %  {name}{rest}')
