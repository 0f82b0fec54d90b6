package sluice.actors.broker;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionAssignment;

/**
 * Tells a gateway's call to a partition leader that the leader it was sent to is gone: the
 * partition has a later leader epoch in the metadata and the broker that led it is no longer an up
 * member (the cluster downed or removed it). A request sent to a broker that died is lost with it,
 * and without this it would wait out its whole timeout; with it the call is answered {@code
 * NETWORK_EXCEPTION} as soon as the new leader serves ({@link ShardedPartitions#append}), as a
 * Kafka producer sees its connection to the old leader break. The batch is not resent here: the
 * lost leader may have replicated it, so a resend could write it twice; the client decides. A
 * leader that is still up is left to answer for itself (a deposed leader answers what waits).
 *
 * <p>Reads the broker's {@link MetadataView}, and checks every waiter again whenever the view
 * changes (through a subscription of a local system actor): a leader's broker can be lost while its
 * partition's new epoch is already known. Thread-safe: {@link #watch} and {@link #forget} are
 * called from any thread; waiters are completed from the subscriber.
 */
final class LostLeaders {
  /** A call waiting on broker {@code leader}, leading {@code topic}-{@code partition}. */
  private record Waiter(
      String topic, int partition, int leaderEpoch, int leader, CompletableFuture<Void> lost) {}

  /** By their future, so a call that got its answer is forgotten at once (every append is one). */
  private final Map<CompletableFuture<Void>, Waiter> waiters = new ConcurrentHashMap<>();

  private final Cluster cluster;
  private final MetadataView view;

  private LostLeaders(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
    this.view = MetadataView.get(system);
  }

  /** Starts the subscriber on {@code system}. */
  static LostLeaders start(ActorSystem<?> system) {
    LostLeaders lostLeaders = new LostLeaders(system);
    system.systemActorOf(lostLeaders.subscriber(), "sluice-lost-leaders", Props.empty());
    return lostLeaders;
  }

  /**
   * A future that completes when the current leader of {@code topic}-{@code partition} is lost;
   * null if the metadata does not know the partition or its leader (the call then just waits). The
   * caller {@link #forget}s it once its call is answered.
   */
  CompletableFuture<Void> watch(String topic, int partition) {
    PartitionAssignment assignment = view.partition(topic, partition).orElse(null);
    if (assignment == null || assignment.leader() < 0) {
      return null;
    }
    var waiter =
        new Waiter(
            topic,
            partition,
            assignment.leaderEpoch(),
            assignment.leader(),
            new CompletableFuture<>());
    waiters.put(waiter.lost(), waiter);
    check(waiter);
    return waiter.lost();
  }

  /** Stops watching for {@code lost}, a future {@link #watch} returned. */
  void forget(CompletableFuture<Void> lost) {
    waiters.remove(lost);
  }

  private void checkAll() {
    for (Waiter waiter : waiters.values()) {
      check(waiter);
    }
  }

  private void check(Waiter waiter) {
    PartitionAssignment now = view.partition(waiter.topic(), waiter.partition()).orElse(null);
    boolean newEpoch = now == null || now.leaderEpoch() > waiter.leaderEpoch();
    if (newEpoch && !up(waiter.leader())) {
      waiters.remove(waiter.lost());
      waiter.lost().complete(null);
    }
  }

  private boolean up(int brokerId) {
    BrokerRegistration registration = view.brokers().get(brokerId);
    if (registration == null) {
      return false;
    }
    for (Member member : cluster.state().getMembers()) {
      if (member.address().toString().equals(registration.address())) {
        return member.status().equals(MemberStatus.up())
            && !cluster.state().getUnreachable().contains(member);
      }
    }
    return false;
  }

  // ---- the subscriber --------------------------------------------------------------------------

  private Behavior<MetadataView.Changed> subscriber() {
    return Behaviors.setup(
        context -> {
          view.subscribeAll(context.getSelf());
          return Behaviors.receiveMessage(
              changed -> {
                checkAll();
                return Behaviors.same();
              });
        });
  }
}
