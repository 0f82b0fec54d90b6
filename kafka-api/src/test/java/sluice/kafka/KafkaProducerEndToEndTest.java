package sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.gateway.Gateway;

/**
 * An unmodified {@link KafkaProducer} with kafka-clients 4.1.0's defaults (idempotence on,
 * acks=all, so it starts with ApiVersions, Metadata and InitProducerId) writes to a one-broker
 * Sluice; the records are read back through the gateway with their keys, values, headers,
 * timestamps and offsets, in the producer's order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaProducerEndToEndTest {
  @TempDir static Path dataDir;
  private static OneKafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = OneKafkaBroker.start("KafkaProducerEndToEndTest", dataDir, "");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aDefaultKafkaProducerWritesKeyedRecordsWithHeadersThatReadBackInOrder() throws Exception {
    broker.createTopic("orders", 3);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    long baseTime = 1_700_000_000_000L;
    List<ProducerRecord<String, String>> sent = new ArrayList<>();
    List<RecordMetadata> acknowledged = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>(
                "orders",
                null,
                baseTime + i,
                "customer-" + (i % 5),
                "order-" + i,
                List.of(
                    new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader("source", "e2e".getBytes(StandardCharsets.UTF_8))));
        sent.add(record);
        futures.add(producer.send(record));
      }
      producer.flush();
      for (Future<RecordMetadata> future : futures) {
        acknowledged.add(future.get(30, TimeUnit.SECONDS));
      }
    }

    Map<Integer, List<ConsumedRecord>> stored = new HashMap<>();
    for (int partition = 0; partition < 3; partition++) {
      Gateway.FetchReply reply = broker.fetch("orders", partition, 0L);
      assertThat(reply.error()).as("fetch of partition %d", partition).isNull();
      stored.put(partition, reply.records());
    }
    assertThat(stored.values().stream().mapToInt(List::size).sum()).isEqualTo(30);
    Map<Integer, Long> lastOffset = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      ProducerRecord<String, String> record = sent.get(i);
      RecordMetadata meta = acknowledged.get(i);
      assertThat(lastOffset.getOrDefault(meta.partition(), -1L))
          .as("record %d comes after the earlier ones of its partition", i)
          .isLessThan(meta.offset());
      lastOffset.put(meta.partition(), meta.offset());
      ConsumedRecord read = stored.get(meta.partition()).get((int) meta.offset());
      assertThat(read.offset()).isEqualTo(meta.offset());
      assertThat(new String(read.key(), StandardCharsets.UTF_8)).isEqualTo(record.key());
      assertThat(new String(read.value(), StandardCharsets.UTF_8)).isEqualTo(record.value());
      assertThat(read.timestamp()).isEqualTo(record.timestamp());
      assertThat(meta.timestamp()).isEqualTo(record.timestamp());
      assertThat(read.headers())
          .extracting(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
          .containsExactly("seq=" + i, "source=e2e");
    }
    // The same key always lands on the same partition (the client's murmur2 partitioner).
    Map<String, Integer> partitionOfKey = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      Integer previous =
          partitionOfKey.putIfAbsent(sent.get(i).key(), acknowledged.get(i).partition());
      if (previous != null) {
        assertThat(acknowledged.get(i).partition()).isEqualTo(previous);
      }
    }
  }
}
