package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.ActorRef;
import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.Cluster;
import akka.cluster.sharding.external.ExternalShardAllocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Vector;
import scala.concurrent.Await;
import scala.jdk.javaapi.CollectionConverters;
import sluice.actors.testing.TestClusters;

class ControllerPlacementTest {
  @TempDir static Path dataDir;
  private static ActorTestKit kit;

  private static final Address BROKER_2 = new Address("akka", "sluice", "10.0.0.2", 25520);
  private static final Address BROKER_3 = new Address("akka", "sluice", "10.0.0.3", 25520);

  @BeforeAll
  static void startNode() {
    kit =
        TestClusters.startOneNode(
            "ControllerPlacementTest", dataDir, 1, "akka.cluster.min-nr-of-members = 1");
  }

  @AfterAll
  static void shutDown() {
    kit.shutdownTestKit();
  }

  @Test
  void aShardIsMisplacedOnlyWhenAllocatedElsewhereAndItsPlaceHasARegion() {
    Map<Address, Set<String>> allocated = new HashMap<>();
    allocated.put(BROKER_2, Set.of("t-0", "t-1"));
    allocated.put(BROKER_3, Set.of("t-2"));
    Address gone = new Address("akka", "sluice", "10.0.0.9", 25520);
    Map<String, Address> placements =
        Map.of(
            "t-0", BROKER_2, // where it is
            "t-1", BROKER_3, // elsewhere, with a region there: moves
            "t-2", gone, // elsewhere, with no region there: stays
            "t-3", BROKER_2); // not allocated: allocation, not rebalance, places it

    assertThat(ControllerPlacement.misplaced(allocated, placements)).containsExactly("t-1");
  }

  @Test
  void eachDistinctAddressIsParsedOnce() {
    Map<String, Address> parsed = new HashMap<>();
    Map<String, Address> addresses =
        ControllerPlacement.addresses(
            Map.of("t-0", BROKER_2.toString(), "t-1", BROKER_2.toString()), parsed);

    assertThat(addresses).containsEntry("t-0", BROKER_2).containsEntry("t-1", BROKER_2);
    assertThat(parsed).hasSize(1);
    assertThat(addresses.get("t-0")).isSameAs(addresses.get("t-1"));
  }

  @Test
  void followsTheLocationsTheControllerWritesAndAllocatesAndRebalancesByThem() throws Exception {
    var placement = new ControllerPlacement(kit.system(), "placement-test");
    placement.start();
    placement.start(); // a restarted coordinator starts it again: no second subscriber
    Address self = Cluster.get(Adapter.toClassic(kit.system())).selfAddress();
    ExternalShardAllocation.get(kit.system())
        .getClient("placement-test")
        .setShardLocations(Map.of("t-0", self, "t-1", BROKER_2))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    kit.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () ->
                assertThat(placement.placements())
                    .containsEntry("t-0", self)
                    .containsEntry("t-1", BROKER_2));

    ActorRef local = Adapter.toClassic(kit.createTestProbe().ref());
    ActorRef requester = Adapter.toClassic(kit.createTestProbe().ref());
    var current = allocations(Map.of(local, List.of("t-1")));
    assertThat(await(placement.allocateShard(requester, "t-0", current)))
        .as("placed on this node: the local region")
        .isEqualTo(local);
    assertThat(await(placement.allocateShard(requester, "t-9", current)))
        .as("no placement: the requester")
        .isEqualTo(requester);
    assertThat(await(placement.allocateShard(requester, "t-1", current)))
        .as("placed where no region is: the requester")
        .isEqualTo(requester);
    assertThat(
            CollectionConverters.asJava(
                await(
                    placement.rebalance(current, scala.collection.immutable.Set$.MODULE$.empty()))))
        .as("t-1 is placed on broker 2, which has no region")
        .isEmpty();
  }

  private static scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> allocations(
      Map<ActorRef, List<String>> regions) {
    scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> map =
        scala.collection.immutable.Map$.MODULE$.empty();
    for (var entry : regions.entrySet()) {
      map =
          map.updated(entry.getKey(), Vector.from(CollectionConverters.asScala(entry.getValue())));
    }
    return map;
  }

  private static <T> T await(scala.concurrent.Future<T> future) throws Exception {
    return Await.result(future, scala.concurrent.duration.Duration.create(5, TimeUnit.SECONDS));
  }
}
