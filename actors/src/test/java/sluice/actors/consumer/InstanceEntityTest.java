package sluice.actors.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Kind;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.group.state.TopicPartition;
import sluice.actors.metadata.MetadataSnapshot;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.testing.ManualClock;

/**
 * The instance entity against stand-in coordinator and leaders ({@link FakeBackends}): its durable
 * record, its life from create to delete, revival from the record, polls and commits.
 */
class InstanceEntityTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(
          ConfigFactory.parseString("akka.actor.provider = local\nakka.extensions = []")
              .withFallback(ConfigFactory.load()));
  private static final TopicPartition O0 = new TopicPartition("orders", 0);
  private static final TopicPartition O1 = new TopicPartition("orders", 1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FakeBackends backends;
  private ManualClock clock;
  private TestProbe<ClusterSharding.ShardCommand> shard;
  private InstanceEntity.Wiring wiring;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    backends = new FakeBackends();
    clock = new ManualClock(1_000_000);
    shard = KIT.createTestProbe(ClusterSharding.ShardCommand.class);
    MetadataSnapshot metadata =
        new MetadataSnapshot(
            Map.of(
                "orders",
                new TopicMetadata(
                    "orders",
                    "id-orders",
                    false,
                    Map.of(),
                    List.of(
                        new PartitionAssignment(0, List.of(1), 1, 0, List.of(1), 0),
                        new PartitionAssignment(1, List.of(1), 1, 0, List.of(1), 0)))),
            Map.of(),
            true);
    wiring =
        new InstanceEntity.Wiring(
            KIT.spawn(backends.leaders()),
            KIT.spawn(backends.coordinator()),
            new InstanceSettings(300_000, 5_000, Duration.ofMinutes(5), Duration.ofSeconds(5)),
            clock,
            "test-host",
            () -> metadata);
  }

  private ActorRef<InstanceCommand> entity(String instance) {
    return KIT.spawn(
        InstanceEntity.create(InstanceEntities.entityId("g", instance), shard.ref(), wiring));
  }

  private static InstanceConfig earliest(boolean autoCommit) {
    return InstanceConfig.defaults()
        .withAutoOffsetReset(OffsetReset.EARLIEST)
        .withAutoCommit(autoCommit);
  }

  private Done ask(
      ActorRef<InstanceCommand> entity,
      java.util.function.Function<ActorRef<Done>, InstanceCommand> command) {
    TestProbe<Done> probe = KIT.createTestProbe(Done.class);
    entity.tell(command.apply(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private List<ConsumedRecord> pollUntil(ActorRef<InstanceCommand> entity, int atLeast) {
    TestProbe<InstanceCommand.RecordsAnswer> probe =
        KIT.createTestProbe(InstanceCommand.RecordsAnswer.class);
    List<ConsumedRecord> all = new java.util.ArrayList<>();
    long giveUp = System.nanoTime() + WAIT.toNanos();
    while (all.size() < atLeast && System.nanoTime() < giveUp) {
      entity.tell(new InstanceCommand.Poll(200, 1_000_000, probe.ref()));
      InstanceCommand.RecordsAnswer answer = probe.receiveMessage(WAIT);
      assertThat(answer.failure()).isNull();
      all.addAll(answer.records());
    }
    return all;
  }

  @Test
  void aCreatedInstanceIsRecordedAndAnUnknownOneIsRefused() {
    ActorRef<InstanceCommand> entity = entity("i1");
    assertThat(ask(entity, r -> new InstanceCommand.Create(earliest(true), r)).failure()).isNull();
    assertThat(backends.instances).containsKey("i1");
    assertThat(backends.instances.get("i1").autoOffsetReset()).isEqualTo("EARLIEST");

    Done again = ask(entity, r -> new InstanceCommand.Create(earliest(true), r));
    assertThat(again.failure().kind()).isEqualTo(Kind.ALREADY_EXISTS);

    ActorRef<InstanceCommand> unknown = entity("nobody");
    Done refused = ask(unknown, r -> new InstanceCommand.Subscribe(List.of("orders"), null, r));
    assertThat(refused.failure().kind()).isEqualTo(Kind.UNKNOWN_INSTANCE);
    assertThat(backends.instances).doesNotContainKey("nobody");
  }

  @Test
  void anInstanceAnswersTheSettingsItWasCreatedWithAndAnUnknownOneIsRefused() {
    ActorRef<InstanceCommand> entity = entity("i1");
    InstanceConfig created =
        new InstanceConfig(InstanceConfig.Format.JSON, OffsetReset.NONE, false, 7, 2_500, 1, 0);
    assertThat(ask(entity, r -> new InstanceCommand.Create(created, r)).failure()).isNull();

    TestProbe<InstanceCommand.ConfigAnswer> probe =
        KIT.createTestProbe(InstanceCommand.ConfigAnswer.class);
    entity.tell(new InstanceCommand.GetConfig(probe.ref()));
    InstanceCommand.ConfigAnswer answer = probe.receiveMessage(WAIT);
    assertThat(answer.failure()).isNull();
    assertThat(answer.config().format()).isEqualTo(InstanceConfig.Format.JSON);
    assertThat(answer.config().autoOffsetReset()).isEqualTo(OffsetReset.NONE);
    assertThat(answer.config().autoCommitEnable()).isFalse();
    assertThat(answer.config().fetchMinBytes()).isEqualTo(7);
    assertThat(answer.config().requestTimeoutMs()).isEqualTo(2_500);

    entity("nobody").tell(new InstanceCommand.GetConfig(probe.ref()));
    InstanceCommand.ConfigAnswer unknown = probe.receiveMessage(WAIT);
    assertThat(unknown.config()).isNull();
    assertThat(unknown.failure().kind()).isEqualTo(Kind.UNKNOWN_INSTANCE);
  }

  @Test
  void aSubscribedInstanceJoinsReadsCommitsAndKeepsItsSubscriptionDurably() {
    ActorRef<InstanceCommand> entity = entity("i1");
    ask(entity, r -> new InstanceCommand.Create(earliest(false), r));
    assertThat(
            ask(entity, r -> new InstanceCommand.Subscribe(List.of("orders"), null, r)).failure())
        .isNull();
    assertThat(backends.instances.get("i1").topics()).containsExactly("orders");

    List<ConsumedRecord> records = pollUntil(entity, 2 * FakeBackends.RECORDS);
    assertThat(records).hasSize(2 * FakeBackends.RECORDS);
    assertThat(backends.heartbeats.get(0).memberEpoch()).isZero();

    Done committed =
        ask(
            entity,
            r ->
                new InstanceCommand.Commit(
                    List.of(new InstanceCommand.PartitionOffset(O0, 2, "meta")), r));
    assertThat(committed.failure()).isNull();
    // the REST Proxy's rule: the posted offset is the last consumed, the committed one more
    assertThat(backends.commits.get(O0).offset()).isEqualTo(3);

    TestProbe<InstanceCommand.CommittedAnswer> read =
        KIT.createTestProbe(InstanceCommand.CommittedAnswer.class);
    entity.tell(new InstanceCommand.GetCommitted(List.of(O0, O1), read.ref()));
    assertThat(read.receiveMessage(WAIT).offsets())
        .containsExactly(new InstanceCommand.PartitionOffset(O0, 3, "meta"));

    Done conflict = ask(entity, r -> new InstanceCommand.Assign(List.of(O0), r));
    assertThat(conflict.failure().kind()).isEqualTo(Kind.ILLEGAL_STATE);
    assertThat(backends.instances.get("i1").assigned()).isNull();
  }

  @Test
  void aPollAnswersWhatEveryPartitionItFetchedHadNotOnlyTheFirstToAnswer() {
    ActorRef<InstanceCommand> entity = entity("i1");
    ask(entity, r -> new InstanceCommand.Create(earliest(false), r));
    ask(entity, r -> new InstanceCommand.Subscribe(List.of("orders"), null, r));
    pollUntil(entity, 2 * FakeBackends.RECORDS);
    ask(
        entity,
        r ->
            new InstanceCommand.Seek(
                List.of(
                    new InstanceCommand.PartitionOffset(O0, 1, null),
                    new InstanceCommand.PartitionOffset(O1, 2, null)),
                r));

    TestProbe<InstanceCommand.RecordsAnswer> probe =
        KIT.createTestProbe(InstanceCommand.RecordsAnswer.class);
    entity.tell(new InstanceCommand.Poll(5_000, 1_000_000, probe.ref()));

    assertThat(probe.receiveMessage(WAIT).records())
        .extracting(r -> r.partition() + ":" + r.offset())
        .containsExactlyInAnyOrder("0:1", "0:2", "0:3", "0:4", "1:2", "1:3", "1:4");
  }

  @Test
  void anInstanceRevivedFromItsRecordRejoinsAndResumesFromTheCommittedOffsets() {
    ActorRef<InstanceCommand> first = entity("i1");
    ask(first, r -> new InstanceCommand.Create(earliest(false), r));
    ask(first, r -> new InstanceCommand.Subscribe(List.of("orders"), null, r));
    pollUntil(first, 2 * FakeBackends.RECORDS);
    ask(
        first,
        r ->
            new InstanceCommand.Commit(
                List.of(
                    new InstanceCommand.PartitionOffset(O0, 2, null),
                    new InstanceCommand.PartitionOffset(O1, 3, null)),
                r));
    KIT.stop(first);
    String memberId = backends.instances.get("i1").memberId();

    // the broker hosting it died: the next request starts it elsewhere from its record
    ActorRef<InstanceCommand> revived = entity("i1");
    List<ConsumedRecord> records = pollUntil(revived, 3);
    assertThat(records)
        .extracting(r -> r.partition() + ":" + r.offset())
        .containsExactlyInAnyOrder("0:3", "0:4", "1:4");
    assertThat(backends.heartbeats)
        .filteredOn(h -> h.memberEpoch() == 0)
        .extracting(h -> h.memberId())
        .containsExactly(memberId, memberId);
  }

  @Test
  void deletingCommitsWhatWasFetchedLeavesAndRemovesTheRecord() {
    ActorRef<InstanceCommand> entity = entity("i1");
    ask(entity, r -> new InstanceCommand.Create(earliest(true), r));
    ask(entity, r -> new InstanceCommand.Subscribe(List.of("orders"), null, r));
    pollUntil(entity, 2 * FakeBackends.RECORDS);

    assertThat(ask(entity, InstanceCommand.Delete::new).failure()).isNull();
    assertThat(backends.instances).doesNotContainKey("i1");
    assertThat(backends.commits.get(O0).offset()).isEqualTo(FakeBackends.RECORDS);
    assertThat(backends.commits.get(O1).offset()).isEqualTo(FakeBackends.RECORDS);
    assertThat(backends.heartbeats.get(backends.heartbeats.size() - 1).memberEpoch()).isEqualTo(-1);
    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
  }

  @Test
  void anInstanceUnusedPastTheIdleTimeoutDeletesItself() {
    ActorRef<InstanceCommand> entity = entity("i1");
    ask(entity, r -> new InstanceCommand.Create(earliest(true), r));
    ask(entity, r -> new InstanceCommand.Assign(List.of(O0), r));
    assertThat(backends.instances.get("i1").assigned()).containsExactly(O0);

    clock.advance(Duration.ofMinutes(6));
    shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofMinutes(2));
    assertThat(backends.instances).doesNotContainKey("i1");
  }

  @Test
  void aSeekOfAPartitionNotAssignedIsRefusedAndAManualAssignmentReadsFromTheSeek() {
    ActorRef<InstanceCommand> entity = entity("i1");
    ask(entity, r -> new InstanceCommand.Create(earliest(false), r));
    ask(entity, r -> new InstanceCommand.Assign(List.of(O1), r));
    Done refused =
        ask(
            entity,
            r ->
                new InstanceCommand.Seek(
                    List.of(new InstanceCommand.PartitionOffset(O0, 1, null)), r));
    assertThat(refused.failure().kind()).isEqualTo(Kind.ILLEGAL_STATE);
    ask(
        entity,
        r ->
            new InstanceCommand.Seek(List.of(new InstanceCommand.PartitionOffset(O1, 4, null)), r));
    assertThat(pollUntil(entity, 1)).extracting(ConsumedRecord::offset).containsExactly(4L);
    assertThat(backends.heartbeats).isEmpty();
    assertThat(Set.copyOf(backends.instances.get("i1").assigned())).containsExactly(O1);
  }
}
