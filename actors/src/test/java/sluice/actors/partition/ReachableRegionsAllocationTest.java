package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.ActorRef;
import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.Cluster;
import akka.cluster.sharding.ShardCoordinator;
import akka.dispatch.Futures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.collection.immutable.Vector;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import sluice.actors.testing.TestClusters;

class ReachableRegionsAllocationTest {
  @TempDir static Path dataDir;
  private static ActorTestKit kit;

  @BeforeAll
  static void startNode() {
    kit =
        TestClusters.startOneNode(
            "ReachableRegionsAllocationTest", dataDir, 1, "akka.cluster.min-nr-of-members = 1");
  }

  @AfterAll
  static void shutDown() {
    kit.shutdownTestKit();
  }

  /** The placement the wrapper delegates to: records the regions it was shown. */
  private static final class RecordingStrategy
      implements ShardCoordinator.StartableAllocationStrategy {
    final List<Set<ActorRef>> shown = new ArrayList<>();
    boolean started;

    @Override
    public void start() {
      started = true;
    }

    @Override
    public Future<ActorRef> allocateShard(
        ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> current) {
      shown.add(CollectionConverters.asJava(current.keySet()));
      return Futures.successful(requester);
    }

    @Override
    public Future<scala.collection.immutable.Set<String>> rebalance(
        Map<ActorRef, IndexedSeq<String>> current,
        scala.collection.immutable.Set<String> rebalanceInProgress) {
      shown.add(CollectionConverters.asJava(current.keySet()));
      return Futures.successful(rebalanceInProgress);
    }
  }

  private static ActorRef region() {
    return Adapter.toClassic(kit.createTestProbe().ref());
  }

  private static Map<ActorRef, IndexedSeq<String>> allocations(ActorRef... regions) {
    Map<ActorRef, IndexedSeq<String>> map = scala.collection.immutable.Map$.MODULE$.empty();
    for (int i = 0; i < regions.length; i++) {
      map = map.updated(regions[i], Vector.from(CollectionConverters.asScala(List.of("t-" + i))));
    }
    return map;
  }

  @Test
  void aRegionThatCannotHandOffIsLeftOutOfRebalancesAndAllocations() {
    ActorRef live = region();
    ActorRef dead = region();
    RecordingStrategy placement = new RecordingStrategy();
    Predicate<ActorRef> unavailable = dead::equals;
    var allocation = new ReachableRegionsAllocation(placement, () -> unavailable);

    allocation.start();
    allocation.rebalance(allocations(live, dead), scala.collection.immutable.Set$.MODULE$.empty());
    allocation.allocateShard(live, "t-2", allocations(live, dead));

    assertThat(placement.started).as("the placement is started").isTrue();
    assertThat(placement.shown).containsExactly(Set.of(live), Set.of(live));
  }

  @Test
  void withEveryRegionAvailableThePlacementSeesThemAll() {
    ActorRef one = region();
    ActorRef two = region();
    RecordingStrategy placement = new RecordingStrategy();
    var allocation = new ReachableRegionsAllocation(placement, () -> region -> false);

    allocation.rebalance(allocations(one, two), scala.collection.immutable.Set$.MODULE$.empty());

    assertThat(placement.shown).containsExactly(Set.of(one, two));
  }

  @Test
  void nodesOutsideTheMembershipAreUnavailableAndThisNodeIsNot() {
    Cluster cluster = Cluster.get(Adapter.toClassic(kit.system()));
    Predicate<Address> unavailable = ReachableRegionsAllocation.unavailableNodes(cluster.state());

    assertThat(unavailable.test(cluster.selfAddress())).as("this node, up").isFalse();
    assertThat(unavailable.test(region().path().address())).as("a local actor").isFalse();
    assertThat(unavailable.test(new Address("akka", "sluice", "127.0.0.1", 1)))
        .as("a node that is not a member")
        .isTrue();
  }
}
