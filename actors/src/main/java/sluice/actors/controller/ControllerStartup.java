package sluice.actors.controller;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.ClusterIdKey;
import sluice.actors.metadata.ControllerEpochKey;

/**
 * The controller's first behavior: it loads what the controller needs and claims a new controller
 * epoch, stashing every request meanwhile, then becomes the {@link Controller} proper.
 *
 * <p>Loaded in parallel: the cluster id ({@code ReadMajority}, falling back to the local durable
 * copy; if the cluster has none, the broker's recorded id or a new one is written, first write
 * wins), the topics (same reads), the broker registry (local). The controller epoch is read with
 * {@code ReadMajority} (local copy if no majority answers), then the next epoch is written with
 * {@code WriteMajority}; the write refuses if a higher epoch appeared meanwhile, and a refused or
 * unconfirmed write starts the claim again, so the controller serves only once a majority holds its
 * epoch. Every topic write of the controller then carries that epoch ({@link EpochClock}).
 *
 * <p>Runs inside the controller actor; a crash restarts the controller from here.
 */
final class ControllerStartup {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerStartup.class);

  private record ClusterIdRead(Replicator.GetResponse<LWWRegister<String>> response)
      implements Controller.Internal {}

  private record ClusterIdWritten(Replicator.UpdateResponse<LWWRegister<String>> response)
      implements Controller.Internal {}

  private record BrokersRead(Replicator.GetResponse<LWWMap<String, BrokerRegistration>> response)
      implements Controller.Internal {}

  private record EpochRead(Replicator.GetResponse<LWWRegister<Integer>> response)
      implements Controller.Internal {}

  private record EpochWritten(int epoch, Replicator.UpdateResponse<LWWRegister<Integer>> response)
      implements Controller.Internal {}

  /** Thrown inside the epoch's modify function when another controller claimed the epoch. */
  private static final class EpochTaken extends RuntimeException {
    EpochTaken(int epoch, int stored) {
      super(
          "Controller epoch " + epoch + " was taken: " + stored + " is stored", null, false, false);
    }
  }

  /** What this loaded: the state the controller serves from. */
  record Loaded(
      String clusterId, int epoch, TopicStore topics, Map<Integer, BrokerRegistration> brokers) {}

  /** Generates a cluster id as Kafka does: a random UUID, URL-safe base64 without padding. */
  static String newClusterId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  private final Controller.Wiring wiring;
  private final Controller.Settings settings;
  private final Optional<String> localClusterId;
  private final SelfUniqueAddress node;
  private final TopicStore topics;
  private final ReplicatorMessageAdapter<Controller.Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final ReplicatorMessageAdapter<Controller.Command, LWWRegister<String>>
      clusterIdReplicator;
  private final ReplicatorMessageAdapter<Controller.Command, LWWRegister<Integer>> epochReplicator;

  private String clusterId;
  private boolean topicsLoaded;
  private Map<Integer, BrokerRegistration> brokers;
  private int epoch = -1;

  private ControllerStartup(Controller.Wiring wiring, Optional<String> localClusterId) {
    this.wiring = wiring;
    this.settings = wiring.settings();
    this.localClusterId = localClusterId;
    var context = wiring.context();
    var replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    Duration guard = settings.writeTimeout().plus(settings.readTimeout());
    this.topics = new TopicStore(context, settings, wiring.clock());
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.clusterIdReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.epochReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.node = DistributedData.get(context.getSystem()).selfUniqueAddress();
  }

  /** Starts loading; requests wait in {@code stash} until the controller serves. */
  static Behavior<Controller.Command> start(
      Controller.Wiring wiring, Optional<String> localClusterId) {
    return new ControllerStartup(wiring, localClusterId).load();
  }

  private Behavior<Controller.Command> load() {
    clusterIdReplicator.askGet(
        replyTo ->
            new Replicator.Get<>(
                ClusterIdKey.KEY, new Replicator.ReadMajority(settings.readTimeout()), replyTo),
        ClusterIdRead::new);
    topics.load();
    brokersReplicator.askGet(
        replyTo -> new Replicator.Get<>(BrokersKey.KEY, Replicator.readLocal(), replyTo),
        BrokersRead::new);
    readEpoch();
    return Behaviors.receive(Controller.Command.class)
        .onMessage(ClusterIdRead.class, this::onClusterIdRead)
        .onMessage(ClusterIdWritten.class, this::onClusterIdWritten)
        .onMessage(TopicStore.Read.class, this::onTopicsRead)
        .onMessage(BrokersRead.class, this::onBrokersRead)
        .onMessage(EpochRead.class, this::onEpochRead)
        .onMessage(EpochWritten.class, this::onEpochWritten)
        .onAnyMessage(wiring.stash()::stash)
        .build();
  }

  private Behavior<Controller.Command> onClusterIdRead(ClusterIdRead message) {
    var response = message.response();
    if (response instanceof Replicator.GetSuccess<LWWRegister<String>> success) {
      clusterId = success.get(ClusterIdKey.KEY).getValue();
      return startedIfLoaded();
    }
    if (response instanceof Replicator.GetFailure<LWWRegister<String>>) {
      LOG.warn("No majority answered for the cluster id; reading the local copy");
      clusterIdReplicator.askGet(
          replyTo -> new Replicator.Get<>(ClusterIdKey.KEY, Replicator.readLocal(), replyTo),
          ClusterIdRead::new);
      return Behaviors.same();
    }
    // Not found: this is the cluster's first controller. Adopt this broker's recorded id if it has
    // one (its metadata store was lost, not its identity), else make one. First write wins.
    String id = localClusterId.orElseGet(ControllerStartup::newClusterId);
    LOG.info("Recording cluster id {}", id);
    clusterIdReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                ClusterIdKey.KEY,
                LWWRegister.create(node, id, LWWRegister.reverseClock()),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                register -> register),
        ClusterIdWritten::new);
    return Behaviors.same();
  }

  private Behavior<Controller.Command> onClusterIdWritten(ClusterIdWritten message) {
    if (!(message.response() instanceof Replicator.UpdateSuccess)) {
      LOG.warn("Cluster id write: {}", message.response());
    }
    // Read back the winner: another controller (during a hand-over) may have written first.
    clusterIdReplicator.askGet(
        replyTo -> new Replicator.Get<>(ClusterIdKey.KEY, Replicator.readLocal(), replyTo),
        ClusterIdRead::new);
    return Behaviors.same();
  }

  private Behavior<Controller.Command> onTopicsRead(TopicStore.Read read) {
    topicsLoaded = topics.loaded(read);
    return topicsLoaded ? startedIfLoaded() : Behaviors.same();
  }

  private Behavior<Controller.Command> onBrokersRead(BrokersRead message) {
    brokers = new HashMap<>();
    if (message.response()
        instanceof Replicator.GetSuccess<LWWMap<String, BrokerRegistration>> success) {
      success.get(BrokersKey.KEY).getEntries().values().forEach(b -> brokers.put(b.brokerId(), b));
    }
    return startedIfLoaded();
  }

  private void readEpoch() {
    epochReplicator.askGet(
        replyTo ->
            new Replicator.Get<>(
                ControllerEpochKey.KEY,
                new Replicator.ReadMajority(settings.readTimeout()),
                replyTo),
        EpochRead::new);
  }

  private Behavior<Controller.Command> onEpochRead(EpochRead message) {
    var response = message.response();
    int stored;
    if (response instanceof Replicator.GetSuccess<LWWRegister<Integer>> success) {
      stored = success.get(ControllerEpochKey.KEY).getValue();
    } else if (response instanceof Replicator.NotFound) {
      stored = 0;
    } else if (response instanceof Replicator.GetFailure) {
      LOG.warn("No majority answered for the controller epoch; claiming from the local copy");
      epochReplicator.askGet(
          replyTo -> new Replicator.Get<>(ControllerEpochKey.KEY, Replicator.readLocal(), replyTo),
          EpochRead::new);
      return Behaviors.same();
    } else {
      throw new IllegalStateException("The controller epoch key was deleted; it never is");
    }
    int next = stored + 1;
    epochReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                ControllerEpochKey.KEY,
                LWWRegister.create(node, 0, ControllerEpochKey.CLOCK),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                register -> {
                  if (register.getValue() >= next) {
                    throw new EpochTaken(next, register.getValue());
                  }
                  return register.withValue(node, next, ControllerEpochKey.CLOCK);
                }),
        written -> new EpochWritten(next, written));
    return Behaviors.same();
  }

  private Behavior<Controller.Command> onEpochWritten(EpochWritten message) {
    if (message.response() instanceof Replicator.UpdateSuccess) {
      epoch = message.epoch();
      return startedIfLoaded();
    }
    LOG.warn(
        "Claiming controller epoch {} failed ({}); claiming the next one",
        message.epoch(),
        message.response());
    readEpoch();
    return Behaviors.same();
  }

  private Behavior<Controller.Command> startedIfLoaded() {
    if (clusterId == null || !topicsLoaded || brokers == null || epoch < 0) {
      return Behaviors.same();
    }
    LOG.info(
        "Controller started on broker {} with controller epoch {}: cluster {}, {} topics, brokers"
            + " {}",
        wiring.brokerId(),
        epoch,
        clusterId,
        topics.topics().size(),
        brokers.keySet());
    return ControllerServing.serve(wiring, new Loaded(clusterId, epoch, topics, brokers));
  }
}
