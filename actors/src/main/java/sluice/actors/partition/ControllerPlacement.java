package sluice.actors.partition;

import akka.actor.ActorRef;
import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Cluster;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.sharding.ShardCoordinator;
import akka.dispatch.Futures;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The shard allocation that puts each partition leader's shard where the controller placed it. The
 * controller writes the placements with Akka's {@code ExternalShardAllocation} client, into the
 * Distributed Data map {@code external-sharding-<type name>} (shard id to the address of the
 * broker); this strategy reads that map in place of Akka's {@code ExternalShardAllocationStrategy}.
 *
 * <p>Why not Akka's: its rebalance, which the coordinator runs every {@code rebalance-interval} (1
 * s here), asks an actor for every placement, parses every address from its string again, and looks
 * each shard up in a region's shard sequence by linear search: quadratic in the partitions a broker
 * leads. At 2,000 partitions on one broker that was most of an idle broker's CPU. Here a small
 * actor keeps the placements as addresses, parsing each distinct address string once, and the
 * allocation and the rebalance read them without an ask, in time linear in the shards.
 *
 * <p>Semantics are Akka's: a shard with no placement, or placed on an address with no region, goes
 * to the region that asked; a rebalance moves a shard only if it is allocated now and its placement
 * names another region that exists.
 *
 * <p>Thread-safety: the placements are an immutable map swapped atomically by the subscriber actor;
 * the shard coordinator calls {@link #allocateShard} and {@link #rebalance} from its own thread.
 */
public final class ControllerPlacement implements ShardCoordinator.StartableAllocationStrategy {
  private final ActorSystem<?> system;
  private final String typeName;
  private final Address selfAddress;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Map<String, Address> placements = Map.of();

  /** The placement of {@code typeName}'s shards in {@code system}; reads nothing until started. */
  public ControllerPlacement(ActorSystem<?> system, String typeName) {
    this.system = system;
    this.typeName = typeName;
    this.selfAddress = Cluster.get(system.classicSystem()).selfAddress();
  }

  /** The Distributed Data key Akka's {@code ExternalShardAllocation} client writes. */
  static Key<LWWMap<String, String>> key(String typeName) {
    return LWWMapKey.create("external-sharding-" + typeName);
  }

  /**
   * Starts following the placements. The coordinator calls this each time it starts on this node;
   * the strategy object outlives a restarted coordinator, so only the first call subscribes.
   */
  @Override
  public void start() {
    if (started.compareAndSet(false, true)) {
      system.systemActorOf(
          subscriber(key(typeName)), "controller-placement-" + typeName, Props.empty());
    }
  }

  /** The placements seen so far, shard id to broker address. */
  Map<String, Address> placements() {
    return placements;
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester,
      String shardId,
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current) {
    Address placed = placements.get(shardId);
    if (placed == null) {
      return Futures.successful(requester);
    }
    for (ActorRef region : CollectionConverters.asJava(current.keySet())) {
      if (addressOf(region).equals(placed)) {
        return Futures.successful(region);
      }
    }
    return Futures.successful(requester);
  }

  @Override
  public Future<scala.collection.immutable.Set<String>> rebalance(
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current,
      scala.collection.immutable.Set<String> rebalanceInProgress) {
    Map<Address, Set<String>> allocated = new HashMap<>();
    CollectionConverters.asJava(current)
        .forEach(
            (region, shards) ->
                allocated.put(
                    addressOf(region), new HashSet<>(CollectionConverters.asJava(shards))));
    Set<String> toMove = misplaced(allocated, placements);
    return Futures.successful(
        scala.collection.immutable.Set$.MODULE$.from(CollectionConverters.asScala(toMove)));
  }

  /**
   * The shards of {@code allocated} (each region's address to its shards) whose placement names
   * another address that has a region.
   */
  static Set<String> misplaced(
      Map<Address, Set<String>> allocated, Map<String, Address> placements) {
    Map<String, Address> allocatedAt = new HashMap<>();
    allocated.forEach((address, shards) -> shards.forEach(s -> allocatedAt.put(s, address)));
    Set<String> misplaced = new HashSet<>();
    placements.forEach(
        (shard, placed) -> {
          Address at = allocatedAt.get(shard);
          if (at != null && !at.equals(placed) && allocated.containsKey(placed)) {
            misplaced.add(shard);
          }
        });
    return misplaced;
  }

  /** A region's address, with this node's full address for a local region. */
  private Address addressOf(ActorRef region) {
    Address address = region.path().address();
    return address.hasLocalScope() ? selfAddress : address;
  }

  private Behavior<SubscriberMessage> subscriber(Key<LWWMap<String, String>> key) {
    return Behaviors.setup(
        context -> {
          var replicator =
              new ReplicatorMessageAdapter<SubscriberMessage, LWWMap<String, String>>(
                  context,
                  DistributedData.get(context.getSystem()).replicator(),
                  Duration.ofSeconds(5));
          replicator.subscribe(key, PlacementsChanged::new);
          Map<String, Address> parsed = new HashMap<>();
          return Behaviors.receive(SubscriberMessage.class)
              .onMessage(
                  PlacementsChanged.class,
                  changed -> {
                    if (changed.response()
                        instanceof Replicator.Changed<LWWMap<String, String>> c) {
                      placements = addresses(c.get(key).getEntries(), parsed);
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * {@code placements} with addresses, each distinct string parsed once ({@code parsed} caches).
   */
  static Map<String, Address> addresses(
      Map<String, String> placements, Map<String, Address> parsed) {
    Map<String, Address> addresses = new HashMap<>(placements.size() * 2);
    placements.forEach(
        (shard, address) ->
            addresses.put(
                shard, parsed.computeIfAbsent(address, akka.actor.AddressFromURIString::parse)));
    return Map.copyOf(addresses);
  }

  private interface SubscriberMessage extends akka.actor.NoSerializationVerificationNeeded {}

  private record PlacementsChanged(Replicator.SubscribeResponse<LWWMap<String, String>> response)
      implements SubscriberMessage {}
}
