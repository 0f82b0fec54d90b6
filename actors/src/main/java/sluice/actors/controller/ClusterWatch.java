package sluice.actors.controller;

import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.ClusterEvent;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.ControllerEpochKey;

/**
 * What the controller watches besides topics: cluster membership, the broker registrations of
 * {@link BrokersKey} (into {@link LiveBrokers}) and the controller epoch of {@link
 * ControllerEpochKey} (into {@link EpochFence}). It subscribes to them and turns their changes into
 * the brokers whose partitions must be placed again.
 *
 * <p>Not thread-safe: it lives inside the controller actor.
 */
final class ClusterWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);

  private final ActorContext<Controller.Command> context;
  private final LiveBrokers brokers;
  private final EpochFence fence;
  private final ReplicatorMessageAdapter<Controller.Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final ReplicatorMessageAdapter<Controller.Command, LWWRegister<Integer>> epochReplicator;

  ClusterWatch(
      ActorContext<Controller.Command> context,
      Duration askGuard,
      LiveBrokers brokers,
      EpochFence fence) {
    this.context = context;
    this.brokers = brokers;
    this.fence = fence;
    var replicator = DistributedData.get(context.getSystem()).replicator();
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, askGuard);
    this.epochReplicator = new ReplicatorMessageAdapter<>(context, replicator, askGuard);
  }

  /**
   * Subscribes to the registrations, the epoch and membership. {@code changed} must be the function
   * every other subscription of the controller adapts with (adapters are by class).
   */
  void subscribe(
      Function<Replicator.SubscribeResponse<?>, Controller.Command> changed,
      Function<ClusterEvent.MemberEvent, Controller.Command> membership) {
    brokersReplicator.subscribe(BrokersKey.KEY, changed::apply);
    epochReplicator.subscribe(ControllerEpochKey.KEY, changed::apply);
    Cluster.get(context.getSystem())
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.MemberEvent.class, membership::apply),
                ClusterEvent.MemberEvent.class));
  }

  /**
   * Takes a membership event.
   *
   * @return the brokers registered at the member's address if it just came up (a broker registers
   *     while it is still joining, when it cannot be placed yet), else none
   */
  List<Integer> memberChanged(ClusterEvent.MemberEvent event) {
    LOG.debug("Membership: {}", event);
    return brokers.memberChanged(event)
        ? brokers.registeredAt(event.member().address().toString())
        : List.of();
  }

  /**
   * Takes a change of the registrations or of the epoch.
   *
   * @return the brokers registered for the first time or at a new address, and those whose data
   *     directories went offline or came back
   */
  @SuppressWarnings("unchecked")
  LiveBrokers.Changes changed(Replicator.Changed<?> change) {
    if (change.key().equals(BrokersKey.KEY)) {
      var registrations = ((LWWMap<String, BrokerRegistration>) change.dataValue()).getEntries();
      LiveBrokers.Changes changes = brokers.update(registrations.values());
      if (!changes.moved().isEmpty()) {
        LOG.info(
            "Brokers {} registered at new addresses; placing their partitions", changes.moved());
      }
      for (int brokerId : changes.dataDirs()) {
        List<String> offline = brokers.offlineDirs(brokerId);
        if (offline.isEmpty()) {
          LOG.info("Broker {} reports its data directory online again", brokerId);
        } else {
          LOG.warn(
              "Broker {} reports data directories {} offline; moving its leaderships away",
              brokerId,
              offline);
        }
      }
      return changes;
    }
    if (change.key().equals(ControllerEpochKey.KEY)) {
      fence.seen(((LWWRegister<Integer>) change.dataValue()).getValue());
    }
    return new LiveBrokers.Changes(List.of(), List.of());
  }
}
