package sluice.actors.partition;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.Address;
import akka.cluster.Cluster;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardCoordinator;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The shard allocation of partition leaders: the controller's placement ({@link
 * ControllerPlacement}, the delegate), shown only the shard regions that can still take part in a
 * hand-off.
 *
 * <p>Why: when a broker dies, the controller moves its partitions' leaders to other brokers as soon
 * as the cluster downs it. Given the dead broker's region, the shard coordinator starts a rebalance
 * from it: it asks the dead region to hand its shards off, which it never does, and the shards stay
 * allocated to it until Akka's {@code handoff-timeout} (3 s) runs out — even after the region is
 * known to be terminated (the worker that waits for the hand-off already took the termination as
 * the region's first acknowledgement). Every request for those partitions waits that long. Left out
 * of the rebalance, the dead region keeps its shards only until the coordinator learns that it
 * terminated (its node removed, plus {@code down-removal-margin}); then the coordinator deallocates
 * them and allocates each where the controller placed it, at once.
 *
 * <p>A region is left out while its node is unreachable, downed, or no longer a member; a region on
 * this node never is. An unreachable node that comes back is rebalanced as before. Allocation of a
 * shard also ignores such regions, so a shard is never given to a node that cannot answer (the
 * delegate then allocates it to the requesting region, and the next rebalance moves it).
 *
 * <p>Thread-safety: called by the shard coordinator actor only; reads the cluster state, which is
 * safe from any thread.
 */
public final class ReachableRegionsAllocation
    implements ShardCoordinator.StartableAllocationStrategy {
  private final ShardCoordinator.StartableAllocationStrategy delegate;
  private final Supplier<Predicate<ActorRef>> unavailableNow;

  /**
   * @param delegate the placement to follow
   * @param unavailableNow which shard regions cannot take part in a hand-off now; asked once per
   *     allocation or rebalance
   */
  public ReachableRegionsAllocation(
      ShardCoordinator.StartableAllocationStrategy delegate,
      Supplier<Predicate<ActorRef>> unavailableNow) {
    this.delegate = delegate;
    this.unavailableNow = unavailableNow;
  }

  /** The allocation of {@code delegate} in {@code system}'s cluster, as described above. */
  public static ReachableRegionsAllocation inCluster(
      ActorSystem system, ShardCoordinator.StartableAllocationStrategy delegate) {
    Cluster cluster = Cluster.get(system);
    return new ReachableRegionsAllocation(
        delegate,
        () -> {
          Predicate<Address> nodes = unavailableNodes(cluster.state());
          return region -> nodes.test(region.path().address());
        });
  }

  /**
   * Nodes of {@code state} that cannot take part in a hand-off: unreachable, downed, removed or not
   * members at all. A local address (a region on this node) is never among them.
   */
  static Predicate<Address> unavailableNodes(CurrentClusterState state) {
    Set<Address> members = new HashSet<>();
    Set<Address> gone = new HashSet<>();
    for (Member member : state.getMembers()) {
      members.add(member.address());
      MemberStatus status = member.status();
      if (status.equals(MemberStatus.down()) || status.equals(MemberStatus.removed())) {
        gone.add(member.address());
      }
    }
    for (Member member : state.getUnreachable()) {
      gone.add(member.address());
    }
    return address ->
        address.hasGlobalScope() && (gone.contains(address) || !members.contains(address));
  }

  @Override
  public void start() {
    delegate.start();
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> current) {
    return delegate.allocateShard(requester, shardId, available(current));
  }

  @Override
  public Future<scala.collection.immutable.Set<String>> rebalance(
      Map<ActorRef, IndexedSeq<String>> current,
      scala.collection.immutable.Set<String> rebalanceInProgress) {
    return delegate.rebalance(available(current), rebalanceInProgress);
  }

  private Map<ActorRef, IndexedSeq<String>> available(Map<ActorRef, IndexedSeq<String>> current) {
    Predicate<ActorRef> unavailable = unavailableNow.get();
    Map<ActorRef, IndexedSeq<String>> available = current;
    for (ActorRef region : CollectionConverters.asJava(current.keySet())) {
      if (unavailable.test(region)) {
        available = available.removed(region);
      }
    }
    return available;
  }
}
