package sluice.actors.group.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.ErrorCode;
import sluice.actors.broker.Broker;
import sluice.actors.group.coordinator.GroupRequest.CommitOffsets;
import sluice.actors.group.coordinator.GroupRequest.FetchOffsets;
import sluice.actors.group.coordinator.GroupRequest.OffsetToCommit;
import sluice.actors.group.coordinator.GroupRequest.OffsetsReply;
import sluice.actors.group.coordinator.GroupRequest.PartitionsReply;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.testing.TestClusters;

/**
 * Two brokers in one JVM, each a whole broker ({@link Broker#start}), serialization checks on: a
 * group request through either broker reaches the coordinator on the broker leading the group's
 * partition, and the broker that does not lead it answers {@code NOT_COORDINATOR} naming the one
 * that does.
 */
class GroupCoordinatorClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dataDir;
  private final Map<Integer, ActorTestKit> nodes = new TreeMap<>();
  private final Map<Integer, Broker.BrokerHandle> brokers = new TreeMap<>();

  @AfterEach
  void stop() {
    List<Integer> ids = new ArrayList<>(nodes.keySet());
    for (int i = ids.size() - 1; i >= 0; i--) {
      nodes.get(ids.get(i)).shutdownTestKit();
    }
  }

  private void startBroker(int id) throws Exception {
    startBroker(id, "");
  }

  private void startBroker(int id, String config) throws Exception {
    ActorTestKit node =
        ActorTestKit.create(
            "GroupCoordinatorClusterTest",
            TestClusters.config(
                dataDir.resolve("broker-" + id),
                id,
                TestClusters.Metadata.DURABLE,
                "sluice.group.offsets-topic-num-partitions = 4\n" + config));
    ActorTestKit seed = nodes.isEmpty() ? node : nodes.values().iterator().next();
    nodes.put(id, node);
    Cluster.get(node.system())
        .manager()
        .tell(Join.create(Cluster.get(seed.system()).selfMember().address()));
    node.createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(Cluster.get(node.system()).selfMember().status())
                  .isEqualTo(MemberStatus.up());
              return null;
            });
    brokers.put(id, Broker.start(node.system()).toCompletableFuture().get(60, TimeUnit.SECONDS));
  }

  private <R extends GroupRequest.Reply> R call(
      int via, Class<R> type, java.util.function.Function<ActorRef<R>, GroupRequest<R>> request) {
    TestProbe<R> probe = nodes.get(via).createTestProbe();
    brokers.get(via).groups().tell(new GroupGateway.Call(request.apply(probe.getRef()), 30_000));
    return probe.expectMessageClass(type, TIMEOUT);
  }

  @Test
  void aBrokerThatDoesNotLeadTheGroupsPartitionAnswersNotCoordinatorAndItsGatewayFindsTheOne()
      throws Exception {
    startBroker(1);
    startBroker(2);
    // Both brokers live before the topic is created, so its partitions are spread over both.
    nodes
        .get(1)
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(MetadataView.get(nodes.get(1).system()).brokers()).hasSize(2);
              return null;
            });

    PartitionsReply committed =
        call(
            1,
            PartitionsReply.class,
            replyTo ->
                new CommitOffsets(
                    "g0", null, -1, List.of(new OffsetToCommit("t", 0, 5, -1, "")), replyTo));
    assertThat(committed.error()).isNull();

    TopicMetadata topic = MetadataView.get(nodes.get(1).system()).topic(OffsetsTopic.NAME).get();
    assertThat(topic.partitions()).extracting(PartitionAssignment::leader).contains(1, 2);
    // A group of each broker's partitions: commit through the other broker, read back through both.
    for (int leader = 1; leader <= 2; leader++) {
      String group = groupLedBy(topic, leader);
      int other = 3 - leader;
      PartitionsReply reply =
          call(
              other,
              PartitionsReply.class,
              replyTo ->
                  new CommitOffsets(
                      group, null, -1, List.of(new OffsetToCommit("t", 1, 11, -1, "")), replyTo));
      assertThat(reply.error()).as("commit of %s through broker %d", group, other).isNull();
      for (int via = 1; via <= 2; via++) {
        OffsetsReply offsets =
            call(via, OffsetsReply.class, replyTo -> new FetchOffsets(group, null, replyTo));
        assertThat(offsets.offsets())
            .singleElement()
            .satisfies(o -> assertThat(o.offset()).isEqualTo(11));
      }

      int partition = OffsetsTopic.partitionFor(group, topic.partitions().size());
      TestProbe<Receptionist.Listing> find = nodes.get(other).createTestProbe();
      var key = GroupCoordinators.serviceKey(other);
      nodes.get(other).system().receptionist().tell(Receptionist.find(key, find.getRef()));
      ActorRef<GroupCoordinators.Command> coordinators =
          find.receiveMessage(TIMEOUT).getServiceInstances(key).iterator().next();
      TestProbe<OffsetsReply> direct = nodes.get(other).createTestProbe();
      coordinators.tell(
          new GroupCoordinators.Deliver(partition, new FetchOffsets(group, null, direct.getRef())));
      OffsetsReply refused = direct.expectMessageClass(OffsetsReply.class, TIMEOUT);
      assertThat(refused.error().code()).isEqualTo(ErrorCode.NOT_COORDINATOR);
      assertThat(refused.error().code().retriable()).isTrue();
      assertThat(refused.error().message())
          .contains(
              "Broker " + other + " is not the coordinator of __consumer_offsets-" + partition,
              "broker " + leader + " leads it");
    }
  }

  @Test
  void aRequestWhoseCoordinatorStopsAnsweringMidRequestIsAnsweredByTheNextCoordinator()
      throws Exception {
    String attempts =
        "sluice.group.offsets-commit-timeout = 2s\nsluice.group.coordinator-attempt-timeout = 3s";
    startBroker(1, attempts);
    startBroker(2, attempts);
    awaitBrokers(2);
    assertThat(
            call(
                    1,
                    PartitionsReply.class,
                    replyTo ->
                        new CommitOffsets(
                            "g0",
                            null,
                            -1,
                            List.of(new OffsetToCommit("t", 0, 5, -1, "")),
                            replyTo))
                .error())
        .isNull();
    TopicMetadata topic = MetadataView.get(nodes.get(1).system()).topic(OffsetsTopic.NAME).get();
    String group = groupLedBy(topic, 2);

    // Broker 2's coordinators stop answering, as a broker that died or was cut off with requests in
    // flight: in the Receptionist a black hole takes their place.
    var key = GroupCoordinators.serviceKey(2);
    ActorRef<GroupCoordinators.Command> coordinators = listing(2, key).iterator().next();
    TestProbe<GroupCoordinators.Command> dead = nodes.get(2).createTestProbe();
    nodes.get(2).system().receptionist().tell(Receptionist.deregister(key, coordinators));
    nodes.get(2).system().receptionist().tell(Receptionist.register(key, dead.getRef()));
    awaitListing(1, key, dead.getRef());

    TestProbe<PartitionsReply> reply = nodes.get(1).createTestProbe();
    long requestTimeoutMs = 2 * TIMEOUT.toMillis();
    brokers
        .get(1)
        .groups()
        .tell(
            new GroupGateway.Call(
                new CommitOffsets(
                    group,
                    null,
                    -1,
                    List.of(new OffsetToCommit("t", 3, 21, -1, "")),
                    reply.getRef()),
                requestTimeoutMs));
    GroupCoordinators.Deliver swallowed =
        dead.expectMessageClass(GroupCoordinators.Deliver.class, TIMEOUT);
    assertThat(swallowed.request().groupId()).isEqualTo(group);

    // The partition's next coordinator (here broker 2's own, registered again) is found by a retry.
    nodes.get(2).system().receptionist().tell(Receptionist.deregister(key, dead.getRef()));
    nodes.get(2).system().receptionist().tell(Receptionist.register(key, coordinators));
    PartitionsReply answered = reply.expectMessageClass(PartitionsReply.class, TIMEOUT);
    assertThat(answered.error()).as("answered by the next coordinator, not timed out").isNull();
    assertThat(answered.partitions())
        .singleElement()
        .satisfies(o -> assertThat(o.error()).isNull());
    OffsetsReply offsets =
        call(1, OffsetsReply.class, replyTo -> new FetchOffsets(group, null, replyTo));
    assertThat(offsets.offsets())
        .singleElement()
        .satisfies(o -> assertThat(o.offset()).isEqualTo(21));
  }

  private void awaitBrokers(int count) {
    nodes
        .get(1)
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(MetadataView.get(nodes.get(1).system()).brokers()).hasSize(count);
              return null;
            });
  }

  private java.util.Set<ActorRef<GroupCoordinators.Command>> listing(
      int via, akka.actor.typed.receptionist.ServiceKey<GroupCoordinators.Command> key) {
    TestProbe<Receptionist.Listing> find = nodes.get(via).createTestProbe();
    nodes.get(via).system().receptionist().tell(Receptionist.find(key, find.getRef()));
    return find.receiveMessage(TIMEOUT).getServiceInstances(key);
  }

  /** Waits until broker {@code via} finds exactly {@code only} under {@code key}. */
  private void awaitListing(
      int via,
      akka.actor.typed.receptionist.ServiceKey<GroupCoordinators.Command> key,
      ActorRef<GroupCoordinators.Command> only) {
    nodes
        .get(via)
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              // Seen from another node the ref carries its node's address: compare path and uid.
              assertThat(listing(via, key))
                  .singleElement()
                  .satisfies(
                      found -> {
                        assertThat(found.path().name()).isEqualTo(only.path().name());
                        assertThat(found.path().uid()).isEqualTo(only.path().uid());
                      });
              return null;
            });
  }

  private static String groupLedBy(TopicMetadata topic, int leader) {
    for (int i = 0; ; i++) {
      String group = "group-" + i;
      int p = OffsetsTopic.partitionFor(group, topic.partitions().size());
      if (topic.partitions().get(p).leader() == leader) {
        return group;
      }
    }
  }
}
