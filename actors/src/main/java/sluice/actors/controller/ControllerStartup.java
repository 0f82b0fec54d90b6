package sluice.actors.controller;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ddata.GSet;
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
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.ClusterIdKey;
import sluice.actors.metadata.ControllerClaimsKey;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.quorum.QuorumState;

/**
 * The controller's first behavior: it loads what the controller needs and claims a new controller
 * epoch, stashing every request meanwhile, then becomes the {@link Controller} proper.
 *
 * <p>Nothing is loaded before this broker sees a quorum of the configured brokers ({@link
 * MetadataQuorum}); meanwhile requests that would write are answered {@code NO_QUORUM} and the
 * others wait. Then, in parallel: the cluster id (read from a quorum, falling back to the local
 * durable copy; if the cluster has none, the broker's recorded id or a new one is written, first
 * write wins), the topics (same reads), the broker registry (local), and the controller epoch's
 * claim: the epoch is read from a quorum (never locally: a stale copy would claim a taken epoch),
 * then, at once, the claim of the next one is added to {@link ControllerClaimsKey} and the epoch
 * register raised, both written to a quorum (the register's write refuses if that epoch is stored
 * already), and once both are written the claims are read back from a quorum: if another node
 * claimed that epoch or a higher one, or any step failed, the claim starts over after a random
 * pause. The two writes go out together because only the read-back must follow the claim's write:
 * of two claimers, the one whose read-back starts later finds the other's claim (quorums intersect,
 * and the set only grows), so at least one of them backs off. So the controller serves only once a
 * quorum holds its epoch and no other controller can hold the same one. Every topic write of the
 * controller then carries that epoch ({@link EpochClock}).
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

  /** {@code attempt} tells a claim's answers from those of an earlier, abandoned one. */
  private record EpochWritten(
      int attempt, int epoch, Replicator.UpdateResponse<LWWRegister<Integer>> response)
      implements Controller.Internal {}

  private record ClaimWritten(
      int attempt, int epoch, Replicator.UpdateResponse<GSet<String>> response)
      implements Controller.Internal {}

  private record ClaimsRead(int attempt, int epoch, Replicator.GetResponse<GSet<String>> response)
      implements Controller.Internal {}

  /** The pause after a failed or contested claim is over. */
  private record ClaimAgain() implements Controller.Internal {}

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
  private final ReplicatorMessageAdapter<Controller.Command, GSet<String>> claimsReplicator;
  private final MetadataQuorum quorum;
  private boolean loading;

  private String clusterId;
  private boolean topicsLoaded;
  private Map<Integer, BrokerRegistration> brokers;
  private int epoch = -1;

  /** The claim under way (counted from 1), and which of its two writes have succeeded so far. */
  private int attempt;

  private boolean claimWritten;
  private boolean epochWritten;
  private boolean claimFailed;

  private ControllerStartup(Controller.Wiring wiring, Optional<String> localClusterId) {
    this.wiring = wiring;
    this.settings = wiring.settings();
    this.localClusterId = localClusterId;
    var context = wiring.context();
    var replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    Duration guard = settings.writeTimeout().plus(settings.readTimeout());
    this.quorum = wiring.quorum();
    this.topics = new TopicStore(context, settings, wiring.clock(), quorum);
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.clusterIdReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.epochReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.claimsReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.node = DistributedData.get(context.getSystem()).selfUniqueAddress();
  }

  /** Starts loading; requests wait in {@code stash} until the controller serves. */
  static Behavior<Controller.Command> start(
      Controller.Wiring wiring, Optional<String> localClusterId) {
    return new ControllerStartup(wiring, localClusterId).begin();
  }

  /**
   * Subscribes to the quorum view (once for the actor's life: {@link ControllerServing} handles the
   * changes later) and loads as soon as the quorum is there.
   */
  private Behavior<Controller.Command> begin() {
    var context = wiring.context();
    quorum
        .view()
        .subscribe(context.messageAdapter(QuorumState.class, Controller.QuorumChanged::new));
    if (quorum.current().present()) {
      load();
    } else {
      LOG.warn(
          "Controller waits for a quorum before it loads and claims an epoch: this broker sees {}",
          quorum.current().describe());
    }
    return Behaviors.receive(Controller.Command.class)
        .onMessage(Controller.QuorumChanged.class, this::onQuorumChanged)
        .onMessage(ClusterIdRead.class, this::onClusterIdRead)
        .onMessage(ClusterIdWritten.class, this::onClusterIdWritten)
        .onMessage(TopicStore.Read.class, this::onTopicsRead)
        .onMessage(BrokersRead.class, this::onBrokersRead)
        .onMessage(EpochRead.class, this::onEpochRead)
        .onMessage(ClaimWritten.class, this::onClaimWritten)
        .onMessage(EpochWritten.class, this::onEpochWritten)
        .onMessage(ClaimsRead.class, this::onClaimsRead)
        .onMessage(ClaimAgain.class, again -> readEpoch())
        .onAnyMessage(this::stashOrRefuse)
        .build();
  }

  private Behavior<Controller.Command> onQuorumChanged(Controller.QuorumChanged changed) {
    if (changed.state().present() && !loading) {
      load();
    }
    return Behaviors.same();
  }

  /** Without a quorum a request that writes is refused at once; the rest wait for the start. */
  private Behavior<Controller.Command> stashOrRefuse(Controller.Command command) {
    if (!quorum.current().present() && QuorumRefusals.refuse(command, quorum.current())) {
      return Behaviors.same();
    }
    return wiring.stash().stash(command);
  }

  private void load() {
    loading = true;
    clusterIdReplicator.askGet(
        replyTo -> new Replicator.Get<>(ClusterIdKey.KEY, quorum.read(), replyTo),
        ClusterIdRead::new);
    topics.load();
    brokersReplicator.askGet(
        replyTo -> new Replicator.Get<>(BrokersKey.KEY, Replicator.readLocal(), replyTo),
        BrokersRead::new);
    readEpoch();
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
                quorum.write(),
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

  private Behavior<Controller.Command> readEpoch() {
    epochReplicator.askGet(
        replyTo -> new Replicator.Get<>(ControllerEpochKey.KEY, quorum.read(), replyTo),
        EpochRead::new);
    return Behaviors.same();
  }

  /** Starts the claim again after a random pause, so two contesting claimers drift apart. */
  private Behavior<Controller.Command> claimAgain(String why) {
    Duration pause = Duration.ofMillis(200 + ThreadLocalRandom.current().nextInt(800));
    LOG.warn("Claiming the controller epoch again in {} ms: {}", pause.toMillis(), why);
    wiring.timers().startSingleTimer(new ClaimAgain(), pause);
    return Behaviors.same();
  }

  private Behavior<Controller.Command> onEpochRead(EpochRead message) {
    var response = message.response();
    int stored;
    if (response instanceof Replicator.GetSuccess<LWWRegister<Integer>> success) {
      stored = success.get(ControllerEpochKey.KEY).getValue();
    } else if (response instanceof Replicator.NotFound) {
      stored = 0;
    } else if (response instanceof Replicator.GetFailure) {
      return claimAgain(
          "no quorum answered for the controller epoch (this broker sees "
              + quorum.current().describe()
              + ")");
    } else {
      throw new IllegalStateException("The controller epoch key was deleted; it never is");
    }
    int next = stored + 1;
    int current = ++attempt;
    claimWritten = false;
    epochWritten = false;
    claimFailed = false;
    claimsReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                ControllerClaimsKey.KEY,
                GSet.create(),
                quorum.write(),
                replyTo,
                claims -> claims.add(ControllerClaimsKey.claim(next, self()))),
        written -> new ClaimWritten(current, next, written));
    epochReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                ControllerEpochKey.KEY,
                LWWRegister.create(node, 0, ControllerEpochKey.CLOCK),
                quorum.write(),
                replyTo,
                register -> {
                  if (register.getValue() >= next) {
                    throw new EpochTaken(next, register.getValue());
                  }
                  return register.withValue(node, next, ControllerEpochKey.CLOCK);
                }),
        written -> new EpochWritten(current, next, written));
    return Behaviors.same();
  }

  private String self() {
    return node.uniqueAddress().toString();
  }

  private Behavior<Controller.Command> onClaimWritten(ClaimWritten message) {
    if (message.attempt() != attempt || claimFailed) {
      return Behaviors.same();
    }
    if (!(message.response() instanceof Replicator.UpdateSuccess)) {
      claimFailed = true;
      return claimAgain("the claim of epoch " + message.epoch() + " failed: " + message.response());
    }
    claimWritten = true;
    return readClaimsBackOnceWritten(message.epoch());
  }

  private Behavior<Controller.Command> onEpochWritten(EpochWritten message) {
    if (message.attempt() != attempt || claimFailed) {
      return Behaviors.same();
    }
    if (!(message.response() instanceof Replicator.UpdateSuccess)) {
      claimFailed = true;
      return claimAgain(
          "raising the epoch to " + message.epoch() + " failed: " + message.response());
    }
    epochWritten = true;
    return readClaimsBackOnceWritten(message.epoch());
  }

  private Behavior<Controller.Command> readClaimsBackOnceWritten(int claimed) {
    if (claimWritten && epochWritten) {
      int current = attempt;
      claimsReplicator.askGet(
          replyTo -> new Replicator.Get<>(ControllerClaimsKey.KEY, quorum.read(), replyTo),
          read -> new ClaimsRead(current, claimed, read));
    }
    return Behaviors.same();
  }

  private Behavior<Controller.Command> onClaimsRead(ClaimsRead message) {
    if (message.attempt() != attempt) {
      return Behaviors.same();
    }
    if (!(message.response() instanceof Replicator.GetSuccess<GSet<String>> success)) {
      return claimAgain("reading the claims back failed: " + message.response());
    }
    String contest =
        EpochClaims.contest(
            success.get(ControllerClaimsKey.KEY).getElements(), message.epoch(), self());
    if (contest != null) {
      return claimAgain(
          "epoch " + message.epoch() + " is contested by the claim '" + contest + "'");
    }
    epoch = message.epoch();
    return startedIfLoaded();
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
