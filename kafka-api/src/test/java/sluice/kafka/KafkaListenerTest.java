package sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.AdminRequest;

/**
 * The listener against a one-broker Sluice, driven by {@link KafkaWire}, a raw client that sends
 * exactly the bytes it is told: resends, bad batches, oversized frames, acks=0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaListenerTest {
  private static final int MAX_REQUEST = 64 * 1024;

  @TempDir static Path dataDir;
  private static OneKafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker =
        OneKafkaBroker.start(
            "KafkaListenerTest",
            dataDir,
            "sluice.kafka.socket-request-max-bytes = " + MAX_REQUEST + "\n");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static ProduceRequest produce(
      String topic, int partition, short acks, MemoryRecords records) {
    var topics = new ProduceRequestData.TopicProduceDataCollection();
    var data = new ProduceRequestData.TopicProduceData().setName(topic);
    data.partitionData()
        .add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
    topics.add(data);
    return ProduceRequest.builder(
            new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000).setTopicData(topics))
        .build((short) 12);
  }

  private static ProduceResponseData.PartitionProduceResponse only(ProduceResponse response) {
    return response.data().responses().iterator().next().partitionResponses().get(0);
  }

  private static InitProducerIdResponse initProducerId(KafkaWire wire, String transactionalId)
      throws Exception {
    return wire.call(
        new InitProducerIdRequest.Builder(
                new InitProducerIdRequestData()
                    .setTransactionalId(transactionalId)
                    .setTransactionTimeoutMs(60_000))
            .build((short) 5));
  }

  private static MemoryRecords batch(long producerId, short epoch, int sequence, String... values) {
    SimpleRecord[] records = new SimpleRecord[values.length];
    for (int i = 0; i < values.length; i++) {
      records[i] = new SimpleRecord(1_000L + i, ("k" + i).getBytes(), values[i].getBytes());
    }
    return MemoryRecords.withIdempotentRecords(
        Compression.NONE, producerId, epoch, sequence, records);
  }

  @Test
  void aResentBatchIsStoredOnceAndAnsweredWithItsFirstOffset() throws Exception {
    broker.createTopic("resends", 1);
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      InitProducerIdResponse init = initProducerId(wire, null);
      assertThat(init.error()).isEqualTo(Errors.NONE);
      long pid = init.data().producerId();
      short epoch = init.data().producerEpoch();
      ProduceResponse first =
          wire.call(produce("resends", 0, (short) -1, batch(pid, epoch, 0, "a", "b")));
      ProduceResponse second =
          wire.call(produce("resends", 0, (short) -1, batch(pid, epoch, 2, "c")));
      ProduceResponse resent =
          wire.call(produce("resends", 0, (short) -1, batch(pid, epoch, 0, "a", "b")));
      ProduceResponse gap = wire.call(produce("resends", 0, (short) -1, batch(pid, epoch, 9, "z")));

      assertThat(only(first).errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(only(first).baseOffset()).isEqualTo(0L);
      assertThat(only(second).baseOffset()).isEqualTo(2L);
      assertThat(only(resent).errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(only(resent).baseOffset()).isEqualTo(0L);
      assertThat(only(gap).errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
    }
    assertThat(broker.fetch("resends", 0, 0L).records())
        .extracting(r -> new String(r.value()))
        .containsExactly("a", "b", "c");
  }

  @Test
  void anOlderProducerEpochIsFencedAfterAnEpochBump() throws Exception {
    broker.createTopic("epochs", 1);
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      var init = initProducerId(wire, null).data();
      wire.call(
          produce("epochs", 0, (short) 1, batch(init.producerId(), init.producerEpoch(), 0, "x")));
      InitProducerIdResponse bumped =
          wire.call(
              new InitProducerIdRequest.Builder(
                      new InitProducerIdRequestData()
                          .setTransactionalId(null)
                          .setTransactionTimeoutMs(60_000)
                          .setProducerId(init.producerId())
                          .setProducerEpoch(init.producerEpoch()))
                  .build((short) 5));
      assertThat(bumped.data().producerId()).isEqualTo(init.producerId());
      assertThat(bumped.data().producerEpoch()).isEqualTo((short) (init.producerEpoch() + 1));
      wire.call(
          produce(
              "epochs",
              0,
              (short) 1,
              batch(init.producerId(), bumped.data().producerEpoch(), 0, "y")));

      ProduceResponse stale =
          wire.call(
              produce(
                  "epochs", 0, (short) 1, batch(init.producerId(), init.producerEpoch(), 1, "w")));

      assertThat(only(stale).errorCode()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH.code());
    }
  }

  @Test
  void metadataNamesTheLiveBrokerItsKafkaPortAndTheTopicWithItsId() throws Exception {
    AdminRequest.TopicReply created = broker.createTopic("described", 2);
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      MetadataResponse metadata =
          wire.call(
              new MetadataRequest.Builder(List.of("described", "no-such-topic"), true)
                  .build((short) 12));

      assertThat(metadata.clusterId()).isEqualTo(broker.clusterId());
      assertThat(metadata.data().controllerId()).isEqualTo(1);
      assertThat(metadata.brokers())
          .singleElement()
          .satisfies(
              node -> {
                assertThat(node.id()).isEqualTo(1);
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(node.port()).isEqualTo(broker.kafkaPort());
              });
      var topic = metadata.data().topics().find("described");
      assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(topic.topicId()).isEqualTo(MetadataAnswers.topicId(created.topic().topicId()));
      assertThat(topic.partitions()).hasSize(2);
      assertThat(topic.partitions())
          .allSatisfy(
              p -> {
                assertThat(p.leaderId()).isEqualTo(1);
                assertThat(p.replicaNodes()).containsExactly(1);
                assertThat(p.isrNodes()).containsExactly(1);
                assertThat(p.offlineReplicas()).isEmpty();
              });
      assertThat(metadata.data().topics().find("no-such-topic").errorCode())
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
  }

  @Test
  void produceToAnUnknownTopicIsRefusedForEachPartition() throws Exception {
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      ProduceResponse response =
          wire.call(produce("never-created", 0, (short) 1, batch(-1L, (short) -1, -1, "v")));

      assertThat(only(response).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      assertThat(only(response).errorMessage()).contains("never-created");
    }
  }

  @Test
  void aTransactionalIdIsRefused() throws Exception {
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      InitProducerIdResponse response = initProducerId(wire, "my-transactions");

      assertThat(response.error()).isEqualTo(Errors.INVALID_REQUEST);
      assertThat(response.data().producerId()).isEqualTo(-1L);
    }
  }

  @Test
  void aCorruptBatchIsRefusedAndNothingIsWritten() throws Exception {
    broker.createTopic("corrupt", 1);
    MemoryRecords records = batch(-1L, (short) -1, -1, "payload-that-will-be-damaged");
    ByteBuffer damaged = records.buffer().duplicate();
    int last = damaged.limit() - 1;
    damaged.put(last, (byte) (damaged.get(last) ^ 0x5a));
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      ProduceResponse response =
          wire.call(produce("corrupt", 0, (short) 1, MemoryRecords.readableRecords(damaged)));

      assertThat(only(response).errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
      assertThat(only(response).errorMessage()).contains("corrupt-0");
    }
    assertThat(broker.fetch("corrupt", 0, 0L).records()).isEmpty();
  }

  @Test
  void aBatchNotStartingAtOffsetZeroIsRefusedAsAnInvalidRecord() throws Exception {
    broker.createTopic("offsets", 1);
    MemoryRecords records = batch(-1L, (short) -1, -1, "v");
    ByteBuffer moved = records.buffer().duplicate();
    moved.putLong(0, 5L);
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      ProduceResponse response =
          wire.call(produce("offsets", 0, (short) 1, MemoryRecords.readableRecords(moved)));

      assertThat(only(response).errorCode()).isEqualTo(Errors.INVALID_RECORD.code());
      assertThat(only(response).errorMessage()).contains("base offset 5");
    }
  }

  @Test
  void anAcksZeroProduceIsAnsweredWithNothing() throws Exception {
    broker.createTopic("fire-and-forget", 1);
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      wire.send(produce("fire-and-forget", 0, (short) 0, batch(-1L, (short) -1, -1, "quiet")));
      RequestHeader next = wire.send(new ApiVersionsRequest.Builder().build((short) 3));

      ApiVersionsResponse answer = wire.read(next);

      assertThat(answer.data().errorCode()).isEqualTo(Errors.NONE.code());
    }
    broker
        .kit()
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              try {
                assertThat(broker.fetch("fire-and-forget", 0, 0L).records()).hasSize(1);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
              return null;
            });
  }

  @Test
  void anApiVersionsRequestOfAnUnknownVersionIsAnsweredUnsupportedWithTheRanges() throws Exception {
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      ApiVersionsRequest request = new ApiVersionsRequest.Builder().build((short) 3);
      RequestHeader header = wire.header(request);
      ByteBuffer frame = request.serializeWithHeader(header);
      frame.putShort(2, (short) 77);
      wire.sendFrame(frame);

      ByteBuffer answer = wire.readFrame();
      assertThat(answer.getInt()).isEqualTo(header.correlationId());
      ApiVersionsResponse parsed =
          ApiVersionsResponse.parse(
              new org.apache.kafka.common.protocol.ByteBufferAccessor(answer), (short) 0);
      assertThat(parsed.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
      assertThat(parsed.data().apiKeys().find(ApiKeys.PRODUCE.id).minVersion())
          .isEqualTo((short) 3);
    }
  }

  @Test
  void aFrameOverSocketRequestMaxBytesClosesTheConnection() throws Exception {
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      wire.sendRaw(ByteBuffer.allocate(4).putInt(MAX_REQUEST + 1).array());

      assertThat(wire.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void anUnknownApiKeyClosesTheConnection() throws Exception {
    try (KafkaWire wire = new KafkaWire(broker.kafkaPort())) {
      wire.sendFrame(
          ByteBuffer.allocate(10).putShort((short) 4242).putShort((short) 0).putInt(1).flip());

      assertThat(wire.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }
}
