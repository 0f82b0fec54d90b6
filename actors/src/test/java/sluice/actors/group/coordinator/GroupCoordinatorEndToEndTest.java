package sluice.actors.group.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.AdminRequest;
import sluice.actors.broker.Broker;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupRequest.CommitOffsets;
import sluice.actors.group.coordinator.GroupRequest.CommittedOffset;
import sluice.actors.group.coordinator.GroupRequest.DeleteInstance;
import sluice.actors.group.coordinator.GroupRequest.FetchOffsets;
import sluice.actors.group.coordinator.GroupRequest.GetInstance;
import sluice.actors.group.coordinator.GroupRequest.Heartbeat;
import sluice.actors.group.coordinator.GroupRequest.HeartbeatReply;
import sluice.actors.group.coordinator.GroupRequest.InstanceReply;
import sluice.actors.group.coordinator.GroupRequest.OffsetToCommit;
import sluice.actors.group.coordinator.GroupRequest.OffsetsReply;
import sluice.actors.group.coordinator.GroupRequest.PartitionsReply;
import sluice.actors.group.coordinator.GroupRequest.PutInstance;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.GroupState;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.group.state.TopicPartition;
import sluice.actors.testing.TestClusters;

/**
 * A whole broker on a one-node cluster with serialization checks on: the groups' front door, the
 * coordinators, the partition leaders of {@code __consumer_offsets} over the segment journal.
 */
class GroupCoordinatorEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String GROUP = "billing";

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private Broker.BrokerHandle broker;

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private void startBroker() throws Exception {
    testKit =
        TestClusters.startOneNode(
            "GroupCoordinatorEndToEndTest",
            TestClusters.config(dataDir, "sluice.group.offsets-topic-num-partitions = 3"));
    broker = Broker.start(testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private <R extends GroupRequest.Reply> R call(
      Class<R> type, java.util.function.Function<ActorRef<R>, GroupRequest<R>> request) {
    TestProbe<R> probe = testKit.createTestProbe();
    broker.groups().tell(new GroupGateway.Call(request.apply(probe.getRef()), 30_000));
    return probe.expectMessageClass(type, TIMEOUT);
  }

  private HeartbeatResponse heartbeat(String member, int epoch, Map<String, Set<Integer>> owned) {
    HeartbeatReply reply =
        call(
            HeartbeatReply.class,
            replyTo ->
                new Heartbeat(
                    new HeartbeatRequest(
                        GROUP,
                        member,
                        epoch,
                        null,
                        null,
                        30_000,
                        List.of("orders"),
                        null,
                        null,
                        owned,
                        "client-" + member,
                        "127.0.0.1"),
                    replyTo));
    assertThat(reply.error()).isNull();
    return reply.response();
  }

  private PartitionsReply commit(String member, int epoch, String topic, int p, long offset) {
    return call(
        PartitionsReply.class,
        replyTo ->
            new CommitOffsets(
                GROUP,
                member,
                epoch,
                List.of(new OffsetToCommit(topic, p, offset, -1, "m" + offset)),
                replyTo));
  }

  private List<CommittedOffset> fetchOffsets() {
    OffsetsReply reply =
        call(OffsetsReply.class, replyTo -> new FetchOffsets(GROUP, null, replyTo));
    assertThat(reply.error()).isNull();
    return reply.offsets();
  }

  private String createOrders() {
    TestProbe<AdminRequest.TopicReply> probe = testKit.createTestProbe();
    broker
        .gateway()
        .tell(
            new Gateway.Admin(
                new AdminRequest.CreateTopic("orders", 4, null, Map.of(), probe.getRef())));
    AdminRequest.TopicReply reply =
        probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
    assertThat(reply.error()).isNull();
    return reply.topic().topicId();
  }

  private static Set<Integer> partitions(HeartbeatResponse response, String topicId) {
    return response.assignment() == null
        ? null
        : response.assignment().getOrDefault(topicId, Set.of());
  }

  @Test
  void membersShareATopicRevokingFirstCommitAndAStaleEpochIsRefused() throws Exception {
    startBroker();
    String orders = createOrders();

    HeartbeatResponse first = heartbeat("m1", 0, Map.of());
    assertThat(first.ok()).as("%s", first).isTrue();
    assertThat(partitions(first, orders)).containsExactlyInAnyOrder(0, 1, 2, 3);
    TestProbe<AdminRequest.TopicReply> topicProbe = testKit.createTestProbe();
    broker
        .gateway()
        .tell(
            new Gateway.Admin(
                new AdminRequest.DescribeTopic(OffsetsTopic.NAME, topicProbe.getRef())));
    var offsetsTopic =
        topicProbe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).topic();
    assertThat(offsetsTopic.partitions()).hasSize(3);
    assertThat(offsetsTopic.configs()).containsEntry("cleanup.policy", "compact");

    HeartbeatResponse second = heartbeat("m2", 0, Map.of());
    assertThat(second.ok()).isTrue();
    assertThat(partitions(second, orders)).as("m1 still holds them all").isEmpty();

    HeartbeatResponse revoking =
        heartbeat("m1", first.memberEpoch(), Map.of(orders, Set.of(0, 1, 2, 3)));
    Set<Integer> kept = partitions(revoking, orders);
    assertThat(kept).hasSize(2);
    assertThat(revoking.memberEpoch()).as("still at its epoch").isEqualTo(first.memberEpoch());
    assertThat(partitions(heartbeat("m2", second.memberEpoch(), Map.of()), orders))
        .as("nothing before m1 lets go")
        .satisfiesAnyOf(p -> assertThat(p).isNull(), p -> assertThat(p).isEmpty());

    HeartbeatResponse released = heartbeat("m1", first.memberEpoch(), Map.of(orders, kept));
    assertThat(released.memberEpoch()).isGreaterThan(first.memberEpoch());
    HeartbeatResponse received = heartbeat("m2", second.memberEpoch(), Map.of());
    Set<Integer> m2 = partitions(received, orders);
    assertThat(m2).hasSize(2).doesNotContainAnyElementsOf(kept);
    Set<Integer> all = new TreeSet<>(kept);
    all.addAll(m2);
    assertThat(all).containsExactly(0, 1, 2, 3);

    int owned = kept.iterator().next();
    PartitionsReply accepted = commit("m1", released.memberEpoch(), "orders", owned, 42);
    assertThat(accepted.error()).isNull();
    assertThat(accepted.partitions())
        .singleElement()
        .satisfies(o -> assertThat(o.error()).isNull());
    PartitionsReply stale = commit("m1", first.memberEpoch() - 1, "orders", owned, 99);
    assertThat(stale.partitions())
        .singleElement()
        .satisfies(o -> assertThat(o.error()).isEqualTo(GroupError.STALE_MEMBER_EPOCH));
    assertThat(fetchOffsets())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.partition()).isEqualTo(owned);
              assertThat(o.offset()).isEqualTo(42);
              assertThat(o.metadata()).isEqualTo("m42");
            });

    var described =
        call(
            GroupRequest.DescribeReply.class,
            replyTo -> new GroupRequest.DescribeGroup(GROUP, replyTo));
    assertThat(described.group().state()).isEqualTo(GroupState.STABLE);
    assertThat(described.group().members()).hasSize(2);
    var listed =
        call(GroupRequest.GroupsReply.class, replyTo -> new GroupRequest.ListGroups(replyTo));
    assertThat(listed.error()).isNull();
    assertThat(listed.groups())
        .containsExactly(new GroupRequest.GroupListing(GROUP, GroupState.STABLE));
  }

  @Test
  void aCoordinatorLoadedAfterARestartAnswersTheLastAcknowledgedCommit() throws Exception {
    startBroker();
    createOrders();
    Set<Long> acknowledged = new HashSet<>();
    for (long offset = 1; offset <= 5; offset++) {
      PartitionsReply reply = commit(null, -1, "orders", 1, offset * 10);
      assertThat(reply.error()).isNull();
      assertThat(reply.partitions().get(0).error()).isNull();
      acknowledged.add(offset * 10);
    }
    assertThat(commit(null, -1, "orders", 2, 7).error()).isNull();

    testKit.shutdownTestKit();
    startBroker();

    List<CommittedOffset> offsets = fetchOffsets();
    assertThat(offsets).extracting(CommittedOffset::partition).containsExactly(1, 2);
    assertThat(offsets.get(0).offset()).isEqualTo(50);
    assertThat(offsets.get(1).offset()).isEqualTo(7);
    assertThat(acknowledged).contains(50L);
  }

  @Test
  void aConsumerInstancePutBeforeARestartIsReadBackAfterItAndThenDeleted() throws Exception {
    startBroker();
    StoredInstance stored =
        new StoredInstance(
            "rest-member-1",
            "JSON",
            "EARLIEST",
            false,
            1,
            30_000,
            null,
            null,
            List.of(new TopicPartition("orders", 2)),
            System.currentTimeMillis());
    InstanceReply created =
        call(InstanceReply.class, replyTo -> new PutInstance(GROUP, "i1", stored, true, replyTo));
    assertThat(created.error()).isNull();
    assertThat(created.instance()).isEqualTo(stored);
    StoredInstance other =
        new StoredInstance(
            "rest-member-2", "JSON", "EARLIEST", false, 1, 30_000, null, null, null, 0);
    InstanceReply taken =
        call(InstanceReply.class, replyTo -> new PutInstance(GROUP, "i1", other, true, replyTo));
    assertThat(taken.groupError()).isEqualTo(GroupError.CONSUMER_INSTANCE_EXISTS);

    testKit.shutdownTestKit();
    startBroker();

    InstanceReply read =
        call(InstanceReply.class, replyTo -> new GetInstance(GROUP, "i1", replyTo));
    assertThat(read.error()).isNull();
    assertThat(read.instance()).isEqualTo(stored);
    InstanceReply deleted =
        call(InstanceReply.class, replyTo -> new DeleteInstance(GROUP, "i1", replyTo));
    assertThat(deleted.instance()).isEqualTo(stored);
    InstanceReply gone =
        call(InstanceReply.class, replyTo -> new GetInstance(GROUP, "i1", replyTo));
    assertThat(gone.groupError()).isEqualTo(GroupError.UNKNOWN_CONSUMER_INSTANCE);
    assertThat(
            call(GroupRequest.GroupsReply.class, replyTo -> new GroupRequest.ListGroups(replyTo))
                .groups())
        .as("instances alone do not make a group")
        .isEmpty();
  }
}
