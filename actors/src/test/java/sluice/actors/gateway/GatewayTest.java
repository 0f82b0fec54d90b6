package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.api.RecordHeader;
import sluice.actors.api.RecordResult;
import sluice.actors.controller.Controller;
import sluice.actors.producer.ProducerIdManager;
import sluice.actors.testing.FakePartitionLeaders;
import sluice.actors.testing.ManualClock;

/** The gateway against in-memory partition leaders ({@link FakePartitionLeaders}), one node. */
class GatewayTest {
  private static final Duration TIMEOUT = GatewayHarness.TIMEOUT;
  private static final long NOW = GatewayHarness.NOW;

  @TempDir Path dataDir;
  private GatewayHarness harness;
  private ActorTestKit testKit;
  private ActorRef<Gateway.Command> gateway;
  private ActorRef<ProducerIdManager.Command> producerIds;
  private ActorRef<Controller.Command> controller;
  private FakePartitionLeaders leaders;
  private ManualClock clock;

  @BeforeEach
  void start() {
    harness = new GatewayHarness(dataDir);
    testKit = harness.testKit;
    gateway = harness.gateway;
    controller = harness.controller;
    producerIds = harness.producerIds;
    leaders = harness.leaders;
    clock = harness.clock;
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private AdminRequest.TopicReply createTopic(String name, int partitions) {
    return harness.createTopic(name, partitions);
  }

  private List<RecordResult> produce(String topic, List<ProduceRecord> records, Acks acks) {
    return harness.produce(topic, records, acks, null);
  }

  private Gateway.FetchReply fetch(String topic, int partition, long offset) {
    return harness.fetch(topic, partition, offset);
  }

  @Test
  void aTopicCreatedThroughTheGatewayTakesRecordsAtOnceAndFetchesThemBack() {
    assertThat(createTopic("events", 1).error()).isNull();
    var header = new RecordHeader("trace", utf8("abc"));
    List<RecordResult> results =
        produce(
            "events",
            List.of(
                new ProduceRecord(null, utf8("k"), utf8("v1"), List.of(header), 5L),
                new ProduceRecord(null, null, utf8("v2"), null, null)),
            Acks.ALL);
    assertThat(results)
        .containsExactly(
            new RecordResult("events", 0, 0, 5L, null),
            new RecordResult("events", 0, 1, NOW, null));

    Gateway.FetchReply fetched = fetch("events", 0, 0);
    assertThat(fetched.error()).isNull();
    assertThat(fetched.offsets().highWatermark()).isEqualTo(2);
    List<ConsumedRecord> records = fetched.records();
    assertThat(records).extracting(ConsumedRecord::offset).containsExactly(0L, 1L);
    assertThat(records.get(0).key()).isEqualTo(utf8("k"));
    assertThat(records.get(0).value()).isEqualTo(utf8("v1"));
    assertThat(records.get(0).headers().get(0).key()).isEqualTo("trace");
    assertThat(records.get(1).timestamp()).isEqualTo(NOW);
    assertThat(fetch("events", 0, 1).records())
        .extracting(ConsumedRecord::offset)
        .containsExactly(1L);
  }

  @Test
  void successiveRequestsToAPartitionGetOffsetsInTheOrderTheyWereSent() {
    createTopic("ordered", 1);
    // The leader up first: a retry (its start refused on a busy machine) may still be overtaken
    // until the gateway numbers its batches (the idempotent-producer issue).
    assertThat(
            produce(
                    "ordered",
                    List.of(new ProduceRecord(0, null, utf8("warm"), null, null)),
                    Acks.LEADER)
                .get(0)
                .offset())
        .isZero();
    // A large request then small ones, sent back to back: the small ones' batches are quicker to
    // build, but must not reach the leader first.
    List<ProduceRecord> large = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      large.add(new ProduceRecord(0, null, new byte[100], null, null));
    }
    List<TestProbe<Gateway.ProduceReply>> probes = new ArrayList<>();
    for (int request = 0; request < 5; request++) {
      TestProbe<Gateway.ProduceReply> probe = testKit.createTestProbe();
      List<ProduceRecord> records =
          request == 0
              ? large
              : List.of(new ProduceRecord(0, null, utf8("r" + request), null, null));
      gateway.tell(new Gateway.Produce("ordered", records, Acks.LEADER, 10_000, probe.getRef()));
      probes.add(probe);
    }
    List<Long> firstOffsets = new ArrayList<>();
    for (TestProbe<Gateway.ProduceReply> probe : probes) {
      RecordResult first =
          probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results().get(0);
      assertThat(first.error()).isNull();
      firstOffsets.add(first.offset());
    }
    assertThat(firstOffsets).containsExactly(1L, 20_001L, 20_002L, 20_003L, 20_004L);
  }

  @Test
  void keyedRecordsLandWhereKafkasPartitionerPutsThem() {
    createTopic("keyed", 6);
    List<ProduceRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(new ProduceRecord(null, utf8("key-" + i), utf8("v" + i), null, null));
    }
    List<RecordResult> results = produce("keyed", records, Acks.LEADER);
    for (int i = 0; i < 30; i++) {
      int expected = Utils.toPositive(Utils.murmur2(utf8("key-" + i))) % 6;
      assertThat(results.get(i).partition()).as("record %d", i).isEqualTo(expected);
      assertThat(results.get(i).error()).isNull();
    }
    // The same keys again: same partitions, next offsets.
    List<RecordResult> again = produce("keyed", records, Acks.LEADER);
    for (int i = 0; i < 30; i++) {
      assertThat(again.get(i).partition()).isEqualTo(results.get(i).partition());
      assertThat(again.get(i).offset()).isGreaterThan(results.get(i).offset());
    }
  }

  @Test
  void keylessRecordsOfOneRequestGoToOnePartitionAndTheNextRequestMovesOn() {
    createTopic("sticky", 4);
    List<ProduceRecord> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(new ProduceRecord(null, null, utf8("v" + i), null, null));
    }
    Set<Integer> first =
        produce("sticky", records, Acks.LEADER).stream()
            .map(RecordResult::partition)
            .collect(Collectors.toSet());
    Set<Integer> second =
        produce("sticky", records, Acks.LEADER).stream()
            .map(RecordResult::partition)
            .collect(Collectors.toSet());
    assertThat(first).hasSize(1);
    assertThat(second).hasSize(1);
    assertThat(second).doesNotContainAnyElementsOf(first);
  }

  private AdminRequest.TopicReply createPartitions(String name, int partitions) {
    TestProbe<AdminRequest.TopicReply> probe = testKit.createTestProbe();
    gateway.tell(
        new Gateway.Admin(new AdminRequest.CreatePartitions(name, partitions, probe.getRef())));
    return probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
  }

  @Test
  void newPartitionsTakeExplicitAndKeyedRecordsAsSoonAsTheGrowIsAcknowledged() {
    createTopic("growing", 1);
    // Fill the gateway's cache with the one-partition topic.
    assertThat(
            produce(
                    "growing",
                    List.of(new ProduceRecord(null, utf8("k"), utf8("v"), null, null)),
                    Acks.LEADER)
                .get(0)
                .partition())
        .isZero();

    AdminRequest.TopicReply grown = createPartitions("growing", 4);
    assertThat(grown.error()).isNull();
    assertThat(grown.topic().partitions()).hasSize(4);

    List<ProduceRecord> records = new ArrayList<>();
    records.add(new ProduceRecord(3, null, utf8("explicit"), null, null));
    for (int i = 0; i < 20; i++) {
      records.add(new ProduceRecord(null, utf8("key-" + i), utf8("v" + i), null, null));
    }
    records.add(new ProduceRecord(4, null, utf8("too far"), null, null));
    List<RecordResult> results = produce("growing", records, Acks.LEADER);
    assertThat(results.get(0).partition()).isEqualTo(3);
    assertThat(results.get(0).error()).isNull();
    for (int i = 0; i < 20; i++) {
      int expected = Utils.toPositive(Utils.murmur2(utf8("key-" + i))) % 4;
      assertThat(results.get(i + 1).partition()).as("key-%d", i).isEqualTo(expected);
      assertThat(results.get(i + 1).error()).isNull();
    }
    assertThat(results.get(21).error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(results.get(21).error().message()).contains("Partition 4", "0 to 3");
    assertThat(fetch("growing", 3, 0).records())
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .startsWith("explicit");
  }

  @Test
  void aRefusedGrowIsAnsweredWithTheControllersErrorAndChangesNothing() {
    createTopic("steady", 2);
    AdminRequest.TopicReply refused = createPartitions("steady", 1);
    assertThat(refused.topic()).isNull();
    assertThat(refused.error().code()).isEqualTo(ErrorCode.INVALID_PARTITIONS);
    assertThat(refused.error().message()).contains("'steady'", "2 partition", "not 1");
    assertThat(createPartitions("absent", 3).error().code())
        .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    List<RecordResult> results =
        produce("steady", List.of(new ProduceRecord(2, null, utf8("x"), null, null)), Acks.LEADER);
    assertThat(results.get(0).error().message()).contains("0 to 1");
  }

  @Test
  void anExplicitPartitionIsUsedAndAMissingOneIsRefusedAlone() {
    createTopic("explicit", 2);
    List<RecordResult> results =
        produce(
            "explicit",
            List.of(
                new ProduceRecord(1, utf8("k"), utf8("a"), null, null),
                new ProduceRecord(2, null, utf8("b"), null, null)),
            Acks.LEADER);
    assertThat(results.get(0).partition()).isEqualTo(1);
    assertThat(results.get(0).error()).isNull();
    assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(results.get(1).error().message()).contains("Partition 2", "'explicit'");
  }

  @Test
  void unknownTopicsAndPartitionsAreNamedInTheError() {
    List<RecordResult> results =
        produce("missing", List.of(new ProduceRecord(null, null, utf8("x"), null, null)), Acks.ALL);
    assertThat(results).hasSize(1);
    assertThat(results.get(0).error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(results.get(0).error().message()).contains("'missing'");

    Gateway.FetchReply fetched = fetch("missing", 0, 0);
    assertThat(fetched.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(fetched.error().message()).contains("'missing'");

    createTopic("small", 1);
    Gateway.FetchReply outOfRange = fetch("small", 3, 0);
    assertThat(outOfRange.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(outOfRange.error().message()).contains("Partition 3", "'small'");

    TestProbe<Gateway.OffsetsReply> offsets = testKit.createTestProbe();
    gateway.tell(new Gateway.GetOffsets("small", -1, offsets.getRef()));
    assertThat(offsets.expectMessageClass(Gateway.OffsetsReply.class, TIMEOUT).error().message())
        .contains("Partition -1");
  }

  @Test
  void clientsCannotProduceToAnInternalTopicButMayReadIt() {
    TestProbe<AdminRequest.TopicReply> created = testKit.createTestProbe();
    controller.tell(
        new Controller.CreateInternalTopic(
            new AdminRequest.CreateTopic(
                "__consumer_offsets", 2, null, Map.of(), created.getRef())));
    assertThat(created.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error()).isNull();

    List<RecordResult> results =
        produce(
            "__consumer_offsets",
            List.of(
                new ProduceRecord(0, null, utf8("forged"), null, null),
                new ProduceRecord(null, utf8("k"), utf8("forged"), null, null)),
            Acks.ALL);
    assertThat(results)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);
              assertThat(r.error().message())
                  .contains("'__consumer_offsets' is internal", "cannot produce");
            });
    assertThat(leaders.appends.get()).as("nothing reached a leader").isZero();
    assertThat(fetch("__consumer_offsets", 0, 0).error()).isNull();
  }

  private InitProducerIdReply initProducerId(Long producerId, Short epoch) {
    TestProbe<InitProducerIdReply> reply = testKit.createTestProbe();
    gateway.tell(new Gateway.InitProducerId(producerId, epoch, 5000, reply.getRef()));
    return reply.expectMessageClass(InitProducerIdReply.class, TIMEOUT);
  }

  @Test
  void initProducerIdHandsOutNewIdsAndBumpsTheEpochOfACurrentOne() {
    assertThat(initProducerId(null, null).producer())
        .isEqualTo(new ProducerIdAndEpoch(0, (short) 0));
    assertThat(initProducerId(-1L, (short) -1).producer())
        .isEqualTo(new ProducerIdAndEpoch(1, (short) 0));
    assertThat(initProducerId(0L, (short) 0).producer())
        .isEqualTo(new ProducerIdAndEpoch(0, (short) 1));
    InitProducerIdReply unknown = initProducerId(5000L, (short) 0);
    assertThat(unknown.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(unknown.error().message()).contains("Producer id 5000 was never allocated", "1000");
  }

  @Test
  void aTopicInViewIsAnsweredFromTheBrokersViewWithoutTheController() {
    createTopic("viewed", 2);
    TestProbe<Controller.Command> silentController = testKit.createTestProbe();
    ActorRef<Gateway.Command> withoutController =
        testKit.spawn(
            Gateway.create(
                new Gateway.Wiring(
                    Gateway.Settings.fromConfig(testKit.system().settings().config()),
                    silentController.getRef(),
                    producerIds,
                    leaders,
                    "test-cluster",
                    clock,
                    clock.pauses(),
                    new Random(42))));
    TestProbe<AdminRequest.TopicReply> reply = testKit.createTestProbe();

    withoutController.tell(new Gateway.TopicInView("viewed", 1, reply.getRef()));
    var viewed = reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
    assertThat(viewed.error()).isNull();
    assertThat(viewed.topic().name()).isEqualTo("viewed");
    assertThat(viewed.topic().partitions()).hasSize(2);

    withoutController.tell(new Gateway.TopicInView("absent", -1, reply.getRef()));
    var absent = reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
    assertThat(absent.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(absent.error().message()).contains("'absent'");
    silentController.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void noBatchOverTheTopicsMaxMessageBytesIsSentAndARecordTooLargeAloneIsRefused() {
    TestProbe<AdminRequest.TopicReply> created = testKit.createTestProbe();
    gateway.tell(
        new Gateway.Admin(
            new AdminRequest.CreateTopic(
                "capped", 1, null, Map.of("max.message.bytes", "2000"), created.getRef())));
    assertThat(created.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error()).isNull();
    List<ProduceRecord> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(new ProduceRecord(0, null, new byte[i == 7 ? 3_000 : 500], null, null));
    }

    List<RecordResult> results = produce("capped", records, Acks.ALL);

    // The record that cannot fit is refused with the leader's error, before anything is sent for
    // it; the others are written in order, in batches that each fit.
    RecordResult refused = results.get(7);
    assertThat(refused.error().code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    assertThat(refused.error().message())
        .contains("3070 bytes", "capped-0", "max.message.bytes=2000");
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      if (i != 7) {
        assertThat(results.get(i).error()).as("record %d", i).isNull();
        offsets.add(results.get(i).offset());
      }
    }
    assertThat(offsets).isEqualTo(LongStream.range(0, 19).boxed().toList());
    assertThat(leaders.batchSizes("capped", 0))
        .hasSizeGreaterThan(1)
        .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(2000));
    assertThat(fetch("capped", 0, 0).records()).hasSize(19);
  }

  @Test
  void leadershipErrorsAreRetriedUntilTheLeaderAccepts() {
    createTopic("moving", 1);
    leaders.refuseNext("moving-0", 3);
    List<RecordResult> results =
        produce("moving", List.of(new ProduceRecord(0, null, utf8("x"), null, null)), Acks.ALL);
    assertThat(results.get(0).error()).isNull();
    assertThat(results.get(0).offset()).isZero();
    assertThat(leaders.appends.get()).isEqualTo(4);
  }

  @Test
  void aLeaderThatNeverSettlesGivesTheRetriableErrorAfterTheTimeout() {
    createTopic("lost", 1);
    leaders.refuseNext("lost-0", Integer.MAX_VALUE);
    TestProbe<Gateway.ProduceReply> probe = testKit.createTestProbe();
    gateway.tell(
        new Gateway.Produce(
            "lost",
            List.of(new ProduceRecord(0, null, utf8("x"), null, null)),
            Acks.ALL,
            300,
            probe.getRef()));
    var result = probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results().get(0);
    assertThat(result.error().code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assertThat(result.offset()).isEqualTo(-1);
    // Tried at 0, 50 and 150 ms (retry-backoff 50 ms, doubling); a try at 350 ms would be past the
    // 300 ms timeout.
    assertThat(leaders.appends).hasValue(3);
    assertThat(clock.millis()).isEqualTo(NOW + 150);
  }

  @Test
  void acksZeroAnswersWithoutOffsets() {
    createTopic("fire", 1);
    List<RecordResult> results =
        produce("fire", List.of(new ProduceRecord(0, null, utf8("x"), null, 9L)), Acks.NONE);
    assertThat(results).containsExactly(new RecordResult("fire", 0, -1, 9L, null));
    testKit
        .createTestProbe()
        .awaitAssert(TIMEOUT, () -> assertThat(fetch("fire", 0, 0).records()).hasSize(1));
  }

  @Test
  void badProduceAndFetchRequestsAreRefusedNamingTheValue() {
    createTopic("t", 1);
    TestProbe<Gateway.ProduceReply> probe = testKit.createTestProbe();
    var record = new ProduceRecord(null, null, utf8("x"), null, null);
    gateway.tell(new Gateway.Produce("t", List.of(record), Acks.ALL, 0, probe.getRef()));
    var timeoutError = probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results();
    assertThat(timeoutError.get(0).error().message()).contains("not 0");
    gateway.tell(new Gateway.Produce("t", List.of(record), null, 1000, probe.getRef()));
    assertThat(
            probe
                .expectMessageClass(Gateway.ProduceReply.class, TIMEOUT)
                .results()
                .get(0)
                .error()
                .code())
        .isEqualTo(ErrorCode.INVALID_REQUIRED_ACKS);
    gateway.tell(new Gateway.Produce("t", List.of(), Acks.ALL, 1000, probe.getRef()));
    assertThat(probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results()).isEmpty();

    TestProbe<Gateway.FetchReply> fetchProbe = testKit.createTestProbe();
    gateway.tell(new Gateway.Fetch("t", 0, 0, 0, 0, fetchProbe.getRef()));
    assertThat(fetchProbe.expectMessageClass(Gateway.FetchReply.class, TIMEOUT).error().message())
        .contains("maxBytes=0");
    Gateway.FetchReply outOfRange = fetch("t", 0, 5);
    assertThat(outOfRange.error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
  }

  @Test
  void fetchBatchesAnswersTheStoredBatchesUnchangedAndChecksTheTopicId() {
    String topicId = createTopic("raw", 2).topic().topicId();
    produce(
        "raw",
        List.of(
            new ProduceRecord(1, utf8("k"), utf8("a"), null, 5L),
            new ProduceRecord(1, null, utf8("b"), null, 6L)),
        Acks.ALL);
    TestProbe<Gateway.FetchBatchesReply> probe = testKit.createTestProbe();

    gateway.tell(new Gateway.FetchBatches("raw", topicId, 1, -1, 0, 1 << 20, 0, probe.getRef()));
    Gateway.FetchBatchesReply fetched = probe.expectMessageClass(Gateway.FetchBatchesReply.class);
    assertThat(fetched.error()).isNull();
    assertThat(fetched.offsets().highWatermark()).isEqualTo(2);
    assertThat(leaders.batches("raw", 1)).hasSize(1);
    java.nio.ByteBuffer batch = leaders.batches("raw", 1).get(0).buffer().duplicate();
    byte[] stored = new byte[batch.remaining()];
    batch.get(stored);
    assertThat(fetched.batches()).isEqualTo(stored);

    gateway.tell(new Gateway.FetchBatches("raw", null, 1, -1, 0, 1 << 20, 0, probe.getRef()));
    assertThat(probe.expectMessageClass(Gateway.FetchBatchesReply.class).batches())
        .isEqualTo(stored);

    String otherId = "0b3f2a4e-9c1d-4e55-8f00-123456789abc";
    gateway.tell(new Gateway.FetchBatches("raw", otherId, 1, -1, 0, 1 << 20, 0, probe.getRef()));
    Gateway.FetchBatchesReply wrongId = probe.expectMessageClass(Gateway.FetchBatchesReply.class);
    assertThat(wrongId.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_ID);
    assertThat(wrongId.error().message()).contains(otherId).contains(topicId);
    assertThat(wrongId.batches()).isEmpty();

    gateway.tell(new Gateway.FetchBatches("raw", topicId, 9, -1, 0, 1 << 20, 0, probe.getRef()));
    assertThat(probe.expectMessageClass(Gateway.FetchBatchesReply.class).error().code())
        .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    gateway.tell(new Gateway.FetchBatches("raw", topicId, 1, -1, 0, 0, 0, probe.getRef()));
    assertThat(probe.expectMessageClass(Gateway.FetchBatchesReply.class).error().message())
        .contains("maxBytes=0");
  }

  @Test
  void administrationGoesThroughTheController() {
    assertThat(createTopic("a", 2).topic().partitions()).hasSize(2);
    assertThat(createTopic("a", 2).error().code()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
    assertThat(createTopic("bad name", 1).error().code())
        .isEqualTo(ErrorCode.INVALID_TOPIC_EXCEPTION);

    TestProbe<AdminRequest.TopicReply> reply = testKit.createTestProbe();
    gateway.tell(new Gateway.Admin(new AdminRequest.DescribeTopic("a", reply.getRef())));
    assertThat(reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).topic().name())
        .isEqualTo("a");

    TestProbe<AdminRequest.TopicList> list = testKit.createTestProbe();
    gateway.tell(new Gateway.Admin(new AdminRequest.ListTopics(list.getRef())));
    assertThat(list.expectMessageClass(AdminRequest.TopicList.class, TIMEOUT).topics())
        .extracting(t -> t.name())
        .containsExactly("a");

    gateway.tell(new Gateway.Admin(new AdminRequest.DeleteTopic("a", reply.getRef())));
    assertThat(reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error()).isNull();
    gateway.tell(new Gateway.Admin(new AdminRequest.DescribeTopic("a", reply.getRef())));
    assertThat(reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error().code())
        .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }

  @Test
  void theGatewayIsFoundThroughTheReceptionist() {
    TestProbe<Receptionist.Listing> probe = testKit.createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          testKit
              .system()
              .receptionist()
              .tell(Receptionist.find(Gateway.SERVICE_KEY, probe.getRef()));
          var listing = probe.expectMessageClass(Receptionist.Listing.class);
          assertThat(listing.getServiceInstances(Gateway.SERVICE_KEY)).contains(gateway);
          return null;
        });
  }

  @Test
  void describeClusterNamesTheClusterTheControllerAndTheLiveBrokers() {
    TestProbe<AdminRequest.ClusterDescription> probe = testKit.createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          gateway.tell(new Gateway.Admin(new AdminRequest.DescribeCluster(probe.getRef())));
          var description = probe.expectMessageClass(AdminRequest.ClusterDescription.class);
          assertThat(description)
              .isEqualTo(
                  new AdminRequest.ClusterDescription(
                      "test-cluster", 1, List.of(new BrokerInfo(1, "127.0.0.1", 8080))));
          return null;
        });
  }
}
