package sluice.actors.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.testing.TestClusters;

/** The broker's metadata view on a one-node cluster, fed by writes to Distributed Data. */
class MetadataViewTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private MetadataView view;

  @BeforeEach
  void start() {
    testKit = TestClusters.startOneNode("MetadataViewTest", dataDir, 1, "");
    view = MetadataView.get(testKit.system());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private static TopicMetadata withIsr(TopicMetadata topic, int partition, List<Integer> isr) {
    var partitions = new java.util.ArrayList<>(topic.partitions());
    PartitionAssignment was = partitions.get(partition);
    partitions.set(
        partition,
        new PartitionAssignment(
            partition,
            was.replicas(),
            was.leader(),
            was.leaderEpoch(),
            isr,
            was.partitionEpoch() + 1));
    return new TopicMetadata(
        topic.name(), topic.topicId(), topic.internal(), topic.configs(), partitions);
  }

  @Test
  void aPartitionSubscriberIsToldOfItsOwnPartitionOnly() {
    TopicMetadata topic = TestClusters.topic("t", 2, 1, Map.of());
    TestClusters.putTopic(testKit, topic);
    TestProbe<MetadataView.PartitionChanged> probe = testKit.createTestProbe();
    view.subscribe(new PartitionId("t", 0), probe.getRef());
    MetadataView.PartitionChanged first =
        probe.expectMessageClass(MetadataView.PartitionChanged.class, TIMEOUT);
    assertThat(first.assignment()).isEqualTo(topic.partitions().get(0));

    // Another partition of the topic, then another topic, then this partition: the subscriber's
    // next message is about the last change, so nothing was sent for the two before it.
    TopicMetadata other = withIsr(topic, 1, List.of());
    TestClusters.putTopic(testKit, other);
    TestClusters.putTopic(testKit, TestClusters.topic("u", 3, 1, Map.of()));
    TopicMetadata mine = withIsr(other, 0, List.of());
    TestClusters.putTopic(testKit, mine);
    MetadataView.PartitionChanged next =
        probe.expectMessageClass(MetadataView.PartitionChanged.class, TIMEOUT);
    assertThat(next.partition()).isEqualTo(new PartitionId("t", 0));
    assertThat(next.assignment().isr()).isEmpty();
    // Partitions change independently: the topic told holds this partition's change; the other
    // partition's change may come in its own notification.
    assertThat(next.topic().partitions().get(0)).isEqualTo(mine.partitions().get(0));
    // The view was current before the subscriber was told.
    assertThat(view.partition("t", 0)).contains(mine.partitions().get(0));
    // A new topic is shown once its registers, subscribed when it was listed, arrived.
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertThat(view.topic("u")).isPresent();
          return null;
        });
  }

  @Test
  void aReplicaSubscriberIsToldOfThePartitionsOnItsBroker() throws Exception {
    TestProbe<MetadataView.ReplicasChanged> probe = testKit.createTestProbe();
    TopicMetadata here = TestClusters.topic("here", 2, 1, Map.of());
    TestClusters.putTopic(testKit, here);
    // Read, so the view holds the topic when the subscriber is told what it holds.
    view.refreshLocal().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    view.subscribeReplicas(1, probe.getRef());
    awaitPartitions(
        probe, Map.of(new PartitionId("here", 0), true, new PartitionId("here", 1), true));

    TestClusters.putTopic(testKit, TestClusters.topic("elsewhere", 2, 2, Map.of()));
    TestClusters.putTopic(testKit, withIsr(here, 1, List.of()));
    MetadataView.ReplicasChanged next =
        probe.expectMessageClass(MetadataView.ReplicasChanged.class, TIMEOUT);
    assertThat(next.partitions()).containsExactly(new PartitionId("here", 1));
    assertThat(next.snapshot().partition("here", 1).orElseThrow().isr()).isEmpty();
  }

  /**
   * Waits for a notification naming exactly {@code expected}'s partitions (the first may be empty).
   */
  private static void awaitPartitions(
      TestProbe<MetadataView.ReplicasChanged> probe, Map<PartitionId, Boolean> expected) {
    MetadataView.ReplicasChanged changed =
        probe.expectMessageClass(MetadataView.ReplicasChanged.class, TIMEOUT);
    assertThat(changed.partitions()).isEqualTo(expected.keySet());
  }

  @Test
  void aRefreshMakesWhatItReadCurrent() throws Exception {
    TopicMetadata topic = TestClusters.topic("read", 1, 1, Map.of());
    TestClusters.putTopic(testKit, topic);
    MetadataSnapshot read =
        view.refreshLocal().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(read.topic("read")).contains(topic);
    assertThat(read.topicsLoaded()).isTrue();
    assertThat(view.topic("read")).contains(topic);
    MetadataSnapshot majority =
        view.refreshMajority(Duration.ofSeconds(2))
            .toCompletableFuture()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(majority.topic("read")).contains(topic);
  }

  @Test
  void aWatcherOfEverythingIsToldOfEveryChange() {
    TestProbe<MetadataView.Changed> probe = testKit.createTestProbe();
    view.subscribeAll(probe.getRef());
    TestClusters.putTopic(testKit, TestClusters.topic("any", 1, 1, Map.of()));
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          MetadataView.Changed changed = probe.expectMessageClass(MetadataView.Changed.class);
          assertThat(changed.partitions()).contains(new PartitionId("any", 0));
          return null;
        });
  }
}
