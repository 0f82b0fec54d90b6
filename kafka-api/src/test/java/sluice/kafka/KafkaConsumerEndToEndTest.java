package sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified {@link KafkaConsumer} (kafka-clients 4.1.0, manual assignment, no group) reads from
 * a one-broker Sluice what an unmodified {@link KafkaProducer} wrote: ApiVersions, Metadata,
 * ListOffsets and Fetch (by topic id, v13+). Every fetch is answered with session id 0, so these
 * tests also show the client going on with full fetches from a broker that never creates a fetch
 * session. The bad inputs are sent raw ({@link KafkaWire}) so that their exact answers can be
 * checked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaConsumerEndToEndTest {
  private static final long BASE_TIME = 1_700_000_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private static OneKafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = OneKafkaBroker.start("KafkaConsumerEndToEndTest", dataDir, "");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    return new KafkaProducer<>(props);
  }

  private static KafkaConsumer<String, String> consumer(Map<String, String> extra) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    props.putAll(extra);
    return new KafkaConsumer<>(props);
  }

  /** Writes {@code count} keyed records with headers and timestamps BASE_TIME + i. */
  private static List<RecordMetadata> produce(String topic, int count) throws Exception {
    List<RecordMetadata> acknowledged = new ArrayList<>();
    try (KafkaProducer<String, String> producer = producer()) {
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    null,
                    BASE_TIME + i,
                    "key-" + (i % 7),
                    "value-" + i,
                    List.of(
                        new RecordHeader("seq", bytes(Integer.toString(i))),
                        new RecordHeader("source", bytes("e2e"))))));
      }
      producer.flush();
      for (Future<RecordMetadata> future : futures) {
        acknowledged.add(future.get(30, TimeUnit.SECONDS));
      }
    }
    return acknowledged;
  }

  /** Polls until {@code count} records came, failing after the deadline. */
  private static List<ConsumerRecord<String, String>> pollUntil(
      KafkaConsumer<String, String> consumer, int count) {
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (received.size() < count) {
      assertThat(System.nanoTime())
          .as("received %d of %d records before the deadline", received.size(), count)
          .isLessThan(deadline);
      consumer.poll(Duration.ofMillis(200)).forEach(received::add);
    }
    return received;
  }

  @Test
  void anAssignedConsumerReadsEveryRecordBackInOrderWithItsOffsetsAndTimestamps() throws Exception {
    broker.createTopic("events", 3);
    List<RecordMetadata> written = produce("events", 40);
    List<TopicPartition> partitions =
        List.of(
            new TopicPartition("events", 0),
            new TopicPartition("events", 1),
            new TopicPartition("events", 2));
    Map<TopicPartition, Long> counts = new HashMap<>();
    written.forEach(m -> counts.merge(new TopicPartition(m.topic(), m.partition()), 1L, Long::sum));

    try (KafkaConsumer<String, String> consumer = consumer(Map.of())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> received = pollUntil(consumer, 40);

      assertThat(received).hasSize(40);
      Map<TopicPartition, Long> next = new HashMap<>();
      for (ConsumerRecord<String, String> record : received) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        assertThat(record.offset()).as("offsets of %s", tp).isEqualTo(next.getOrDefault(tp, 0L));
        next.put(tp, record.offset() + 1);
        int i = Integer.parseInt(record.value().substring("value-".length()));
        assertThat(written.get(i).partition()).isEqualTo(record.partition());
        assertThat(written.get(i).offset()).isEqualTo(record.offset());
        assertThat(record.key()).isEqualTo("key-" + (i % 7));
        assertThat(record.timestamp()).isEqualTo(BASE_TIME + i);
        assertThat(record.headers().toArray())
            .extracting(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
            .containsExactly("seq=" + i, "source=e2e");
        assertThat(record.leaderEpoch()).isPresent();
      }

      assertThat(consumer.beginningOffsets(partitions))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(partitions.get(0), 0L, partitions.get(1), 0L, partitions.get(2), 0L));
      assertThat(consumer.endOffsets(partitions)).containsExactlyInAnyOrderEntriesOf(counts);

      // The first record at or after BASE_TIME + 20 in each partition: what was written there.
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(tp -> times.put(tp, BASE_TIME + 20));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
      for (TopicPartition tp : partitions) {
        Optional<Integer> expected =
            java.util.stream.IntStream.range(20, 40)
                .filter(i -> written.get(i).partition() == tp.partition())
                .boxed()
                .findFirst();
        if (expected.isEmpty()) {
          assertThat(found.get(tp)).as("no record of %s is that recent", tp).isNull();
        } else {
          RecordMetadata meta = written.get(expected.get());
          assertThat(found.get(tp).offset())
              .as("offset for time in %s", tp)
              .isEqualTo(meta.offset());
          assertThat(found.get(tp).timestamp()).isEqualTo(BASE_TIME + expected.get());
          assertThat(found.get(tp).leaderEpoch()).isPresent();
        }
      }
      Map<TopicPartition, Long> future = new HashMap<>();
      partitions.forEach(tp -> future.put(tp, BASE_TIME + 1_000_000));
      assertThat(consumer.offsetsForTimes(future).values()).containsOnlyNulls();

      consumer.seekToEnd(partitions);
      for (TopicPartition tp : partitions) {
        assertThat(consumer.position(tp)).as("position after seekToEnd").isEqualTo(counts.get(tp));
      }
    }
  }

  /** A record and when the consumer's poll returned it. */
  private record Received(ConsumerRecord<String, String> record, long atNanos) {}

  @Test
  void aConsumerLongPollingAnEmptyPartitionGetsARecordProducedWhileItWaits() throws Exception {
    broker.createTopic("quiet", 1);
    TopicPartition tp = new TopicPartition("quiet", 0);
    CountDownLatch waiting = new CountDownLatch(1);
    // A long fetch wait: the record must arrive by the parked fetch waking, not by its expiry.
    CompletableFuture<Received> first =
        CompletableFuture.supplyAsync(
            () -> {
              try (KafkaConsumer<String, String> consumer =
                  consumer(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20000"))) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                assertThat(consumer.position(tp)).isZero();
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (System.nanoTime() < deadline) {
                  var records = consumer.poll(Duration.ofMillis(200));
                  waiting.countDown();
                  if (!records.isEmpty()) {
                    // Timed here: closing the consumer waits for its next parked fetch.
                    return new Received(records.iterator().next(), System.nanoTime());
                  }
                }
                throw new AssertionError("no record reached the waiting consumer");
              }
            });
    assertThat(waiting.await(60, TimeUnit.SECONDS)).as("the consumer started polling").isTrue();
    long producedAt = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>("quiet", "k", "late")).get(30, TimeUnit.SECONDS);
    }

    Received received = first.get(90, TimeUnit.SECONDS);

    assertThat(received.record().value()).isEqualTo("late");
    assertThat(received.record().offset()).isZero();
    assertThat(Duration.ofNanos(received.atNanos() - producedAt))
        .as("the parked fetch woke before its 20 s wait ended")
        .isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aPositionBeyondTheLogEndIsOutOfRangeAsInKafka() throws Exception {
    broker.createTopic("short", 1);
    produce("short", 3);
    TopicPartition tp = new TopicPartition("short", 0);

    try (KafkaConsumer<String, String> strict =
        consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
      strict.assign(List.of(tp));
      strict.seek(tp, 50L);
      assertThatThrownBy(
              () -> {
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (System.nanoTime() < deadline) {
                  strict.poll(Duration.ofMillis(200));
                }
              })
          .isInstanceOf(OffsetOutOfRangeException.class);
    }
    try (KafkaConsumer<String, String> resetting =
        consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
      resetting.assign(List.of(tp));
      resetting.seek(tp, 50L);
      assertThat(pollUntil(resetting, 3))
          .extracting(ConsumerRecord::offset)
          .containsExactly(0L, 1L, 2L);
    }
  }

  @Test
  void aSeekWithALeaderEpochIsValidatedAndATruncatedPositionIsReported() throws Exception {
    broker.createTopic("validated", 1);
    produce("validated", 5);
    TopicPartition tp = new TopicPartition("validated", 0);

    try (KafkaConsumer<String, String> consumer =
        consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, new OffsetAndMetadata(3L, Optional.of(0), ""));
      assertThat(pollUntil(consumer, 2)).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);

      // Epoch 0 ends at offset 5 here: a position at 50 in epoch 0 was truncated away. Without
      // OffsetForLeaderEpoch the client would only meet OFFSET_OUT_OF_RANGE.
      consumer.seek(tp, new OffsetAndMetadata(50L, Optional.of(0), ""));
      assertThatThrownBy(
              () -> {
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (System.nanoTime() < deadline) {
                  consumer.poll(Duration.ofMillis(200));
                }
              })
          .isInstanceOfSatisfying(
              LogTruncationException.class,
              e ->
                  assertThat(e.divergentOffsets().get(tp))
                      .isEqualTo(new OffsetAndMetadata(5L, Optional.of(0), "")));
    }
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      var topics = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
      var validated =
          new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("validated");
      validated
          .partitions()
          .add(
              new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                  .setPartition(0)
                  .setCurrentLeaderEpoch(7)
                  .setLeaderEpoch(0));
      validated
          .partitions()
          .add(
              new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                  .setPartition(0)
                  .setCurrentLeaderEpoch(-1)
                  .setLeaderEpoch(0));
      topics.add(validated);
      var missing = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("missing");
      missing
          .partitions()
          .add(
              new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                  .setPartition(0)
                  .setLeaderEpoch(0));
      topics.add(missing);
      OffsetsForLeaderEpochResponse answer =
          wire.call(OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build());

      var partitions = answer.data().topics().find("validated").partitions();
      assertThat(partitions.get(0).errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
      assertThat(partitions.get(1).errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(partitions.get(1).leaderEpoch()).isZero();
      assertThat(partitions.get(1).endOffset()).isEqualTo(5L);
      assertThat(answer.data().topics().find("missing").partitions().get(0).errorCode())
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
  }

  @Test
  void rawFetchAndListOffsetsAnswerBadInputsWithKafkasErrors() throws Exception {
    Uuid rawId = MetadataAnswers.topicId(broker.createTopic("raw", 1).topic().topicId());
    produce("raw", 2);
    short fetchVersion = ApiKeys.FETCH.latestVersion();
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      Map<TopicPartition, FetchRequest.PartitionData> wanted = new LinkedHashMap<>();
      wanted.put(
          new TopicPartition("raw", 0),
          new FetchRequest.PartitionData(rawId, 0L, -1L, 1 << 20, Optional.empty()));
      wanted.put(
          new TopicPartition("raw", 7),
          new FetchRequest.PartitionData(rawId, 0L, -1L, 1 << 20, Optional.empty()));
      wanted.put(
          new TopicPartition("gone", 0),
          new FetchRequest.PartitionData(Uuid.randomUuid(), 0L, -1L, 1 << 20, Optional.empty()));
      FetchResponse fetched =
          wire.call(FetchRequest.Builder.forConsumer(fetchVersion, 0, 1, wanted).build());

      assertThat(fetched.sessionId()).isZero();
      var raw = fetched.data().responses().get(0).partitions();
      assertThat(raw.get(0).errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(raw.get(0).highWatermark()).isEqualTo(2L);
      assertThat(FetchResponse.recordsOrFail(raw.get(0)).batches()).isNotEmpty();
      assertThat(raw.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      assertThat(fetched.data().responses().get(1).partitions().get(0).errorCode())
          .isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());

      Map<TopicPartition, FetchRequest.PartitionData> beyond = new LinkedHashMap<>();
      beyond.put(
          new TopicPartition("raw", 0),
          new FetchRequest.PartitionData(rawId, 99L, -1L, 1 << 20, Optional.empty()));
      FetchResponse outOfRange =
          wire.call(FetchRequest.Builder.forConsumer(fetchVersion, 0, 1, beyond).build());
      assertThat(outOfRange.data().responses().get(0).partitions().get(0).errorCode())
          .isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());

      Map<TopicPartition, FetchRequest.PartitionData> newerEpoch = new LinkedHashMap<>();
      newerEpoch.put(
          new TopicPartition("raw", 0),
          new FetchRequest.PartitionData(rawId, 0L, -1L, 1 << 20, Optional.of(5)));
      FetchResponse unknownEpoch =
          wire.call(FetchRequest.Builder.forConsumer(fetchVersion, 0, 1, newerEpoch).build());
      assertThat(unknownEpoch.data().responses().get(0).partitions().get(0).errorCode())
          .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());

      // Sluice never creates a fetch session, so an incremental fetch names none it has.
      FetchResponse incremental =
          wire.call(
              FetchRequest.Builder.forConsumer(fetchVersion, 0, 1, beyond)
                  .metadata(new FetchMetadata(123, 1))
                  .build());
      assertThat(incremental.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
      assertThat(incremental.sessionId()).isZero();
      assertThat(incremental.data().responses()).isEmpty();

      var unknown = new ListOffsetsRequestData.ListOffsetsTopic().setName("no-such-topic");
      unknown
          .partitions()
          .add(
              new ListOffsetsRequestData.ListOffsetsPartition()
                  .setPartitionIndex(0)
                  .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP));
      var maxTimestamp = new ListOffsetsRequestData.ListOffsetsTopic().setName("raw");
      maxTimestamp
          .partitions()
          .add(
              new ListOffsetsRequestData.ListOffsetsPartition()
                  .setPartitionIndex(0)
                  .setTimestamp(ListOffsetsRequest.MAX_TIMESTAMP));
      ListOffsetsResponse listed =
          wire.call(
              ListOffsetsRequest.Builder.forConsumer(
                      true, IsolationLevel.READ_UNCOMMITTED, true, false, false)
                  .setTargetTimes(List.of(unknown, maxTimestamp))
                  .build());
      var topics = listed.data().topics();
      assertThat(topics.get(0).partitions().get(0).errorCode())
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      assertThat(topics.get(1).partitions().get(0).errorCode())
          .isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
