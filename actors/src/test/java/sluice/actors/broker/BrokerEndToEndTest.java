package sluice.actors.broker;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordHeader;
import sluice.actors.api.RecordResult;
import sluice.actors.gateway.Gateway;
import sluice.actors.testing.SegmentDamage;
import sluice.actors.testing.TestClusters;

/**
 * A whole broker on a one-node cluster: controller, gateway, sharded partition leaders over the
 * segment journal, with serialization checks on; produce, fetch, restart, delete.
 */
class BrokerEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private ActorRef<Gateway.Command> gateway;

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private void startBroker() throws Exception {
    testKit = TestClusters.startOneNode("BrokerEndToEndTest", TestClusters.config(dataDir));
    gateway =
        Broker.start(testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS).gateway();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private AdminRequest.TopicReply createTopic(
      String name, int partitions, Map<String, String> configs) {
    TestProbe<AdminRequest.TopicReply> probe = testKit.createTestProbe();
    gateway.tell(
        new Gateway.Admin(
            new AdminRequest.CreateTopic(name, partitions, null, configs, probe.getRef())));
    return probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
  }

  private List<RecordResult> produce(String topic, List<ProduceRecord> records) {
    TestProbe<Gateway.ProduceReply> probe = testKit.createTestProbe();
    gateway.tell(new Gateway.Produce(topic, records, Acks.ALL, 10_000, probe.getRef()));
    return probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results();
  }

  private Gateway.FetchReply fetch(String topic, int partition, long offset) {
    TestProbe<Gateway.FetchReply> probe = testKit.createTestProbe();
    gateway.tell(new Gateway.Fetch(topic, partition, offset, 1 << 20, 0, probe.getRef()));
    return probe.expectMessageClass(Gateway.FetchReply.class, TIMEOUT);
  }

  @Test
  void producedRecordsAreFetchedBackWithKeysHeadersAndTimestampsAndSurviveARestart()
      throws Exception {
    startBroker();
    assertThat(createTopic("orders", 3, Map.of()).error()).isNull();
    List<ProduceRecord> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(
          new ProduceRecord(
              null,
              utf8("customer-" + (i % 5)),
              utf8("order-" + i),
              List.of(new RecordHeader("seq", utf8(Integer.toString(i)))),
              1_000L + i));
    }
    List<RecordResult> results = produce("orders", records);
    for (int i = 0; i < 20; i++) {
      RecordResult result = results.get(i);
      assertThat(result.error()).as("record %d", i).isNull();
      assertThat(result.partition())
          .isEqualTo(Utils.toPositive(Utils.murmur2(utf8("customer-" + (i % 5)))) % 3);
      assertThat(result.timestamp()).isEqualTo(1_000L + i);
    }

    List<ConsumedRecord> consumed = fetchAll("orders", 3);
    assertThat(consumed).hasSize(20);
    for (ConsumedRecord record : consumed) {
      int i = Integer.parseInt(new String(record.headers().get(0).value(), StandardCharsets.UTF_8));
      assertThat(record.value()).isEqualTo(utf8("order-" + i));
      assertThat(record.key()).isEqualTo(utf8("customer-" + (i % 5)));
      assertThat(record.timestamp()).isEqualTo(1_000L + i);
      assertThat(record.offset()).isEqualTo(results.get(i).offset());
      assertThat(record.partition()).isEqualTo(results.get(i).partition());
    }

    testKit.shutdownTestKit();
    startBroker();
    assertThat(fetchAll("orders", 3)).hasSize(20);
    List<RecordResult> more =
        produce("orders", List.of(new ProduceRecord(0, null, utf8("after"), null, null)));
    assertThat(more.get(0).error()).isNull();
    assertThat(more.get(0).offset())
        .isEqualTo(consumed.stream().filter(r -> r.partition() == 0).count());
  }

  private List<ConsumedRecord> fetchAll(String topic, int partitions) {
    List<ConsumedRecord> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      Gateway.FetchReply reply = fetch(topic, p, 0);
      assertThat(reply.error()).isNull();
      all.addAll(reply.records());
    }
    return all;
  }

  @Test
  void logAppendTimeTopicsReportTheBrokersTimestamp() throws Exception {
    startBroker();
    createTopic("stamped", 1, Map.of("message.timestamp.type", "LogAppendTime"));
    RecordResult result =
        produce("stamped", List.of(new ProduceRecord(null, null, utf8("x"), null, 5L))).get(0);
    assertThat(result.error()).isNull();
    assertThat(result.timestamp()).isNotEqualTo(5L).isPositive();
    ConsumedRecord record = fetch("stamped", 0, 0).records().get(0);
    assertThat(record.logAppendTime()).isTrue();
    assertThat(record.timestamp()).isEqualTo(result.timestamp());
  }

  @Test
  void offsetsAndOutOfRangeFetchesComeFromTheLeader() throws Exception {
    startBroker();
    createTopic("offsets", 1, Map.of());
    produce(
        "offsets",
        List.of(
            new ProduceRecord(null, null, utf8("a"), null, 100L),
            new ProduceRecord(null, null, utf8("b"), null, 200L)));
    TestProbe<Gateway.OffsetsReply> offsets = testKit.createTestProbe();
    gateway.tell(new Gateway.GetOffsets("offsets", 0, offsets.getRef()));
    var reply = offsets.expectMessageClass(Gateway.OffsetsReply.class, TIMEOUT);
    assertThat(reply.error()).isNull();
    assertThat(reply.offsets().logStartOffset()).isZero();
    assertThat(reply.offsets().highWatermark()).isEqualTo(2);

    TestProbe<Gateway.OffsetForTimeReply> byTime = testKit.createTestProbe();
    gateway.tell(new Gateway.OffsetForTime("offsets", 0, 150L, byTime.getRef()));
    assertThat(byTime.expectMessageClass(Gateway.OffsetForTimeReply.class, TIMEOUT).offset())
        .isEqualTo(1);

    Gateway.FetchReply outOfRange = fetch("offsets", 0, 99);
    assertThat(outOfRange.error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
  }

  @Test
  void aFetchServesTheValidBatchesBeforeOneCorruptOnDiskAndFailsOnlyAtIt() throws Exception {
    startBroker();
    // two batches of two 200-byte records fit a 1100-byte segment, a third rolls it
    createTopic("flipped", 1, Map.of("segment.bytes", "1100"));
    for (int b = 0; b < 3; b++) {
      List<ProduceRecord> batch = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        batch.add(new ProduceRecord(0, null, new byte[200], null, null));
      }
      assertThat(produce("flipped", batch)).allSatisfy(r -> assertThat(r.error()).isNull());
    }
    Path partitionDir = dataDir.resolve("flipped-0");
    assertThat(partitionDir.resolve("00000000000000000004.log")).exists();
    String crcs =
        SegmentDamage.flipTheLastByteOfTheBatchAt(
            partitionDir.resolve("00000000000000000000.log"), 2);

    Gateway.FetchReply prefix = fetch("flipped", 0, 0);
    assertThat(prefix.error()).isNull();
    assertThat(prefix.records()).extracting(ConsumedRecord::offset).containsExactly(0L, 1L);

    Gateway.FetchReply atTheBadBatch = fetch("flipped", 0, 2);
    assertThat(atTheBadBatch.records()).isEmpty();
    assertThat(atTheBadBatch.error().code()).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    assertThat(atTheBadBatch.error().message()).contains("Partition flipped-0", "offset 2", crcs);
    assertThat(fetch("flipped", 0, 4).records())
        .extracting(ConsumedRecord::offset)
        .containsExactly(4L, 5L);
  }

  @Test
  void aDeletedTopicIsGoneWithItsPartitionDirectories() throws Exception {
    startBroker();
    createTopic("doomed", 2, Map.of());
    produce("doomed", List.of(new ProduceRecord(1, null, utf8("x"), null, null)));
    assertThat(dataDir.resolve("doomed-1")).isDirectory();

    TestProbe<AdminRequest.TopicReply> probe = testKit.createTestProbe();
    gateway.tell(new Gateway.Admin(new AdminRequest.DeleteTopic("doomed", probe.getRef())));
    assertThat(probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error()).isNull();
    probe.awaitAssert(
        TIMEOUT, () -> assertThat(Files.exists(dataDir.resolve("doomed-1"))).isFalse());
    Gateway.FetchReply fetched = fetch("doomed", 1, 0);
    assertThat(fetched.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
}
