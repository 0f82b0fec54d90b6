package sluice.actors.producer;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.controller.Controller;
import sluice.actors.controller.Controller.ProducerIdsAllocated;
import sluice.actors.metadata.ProducerIdsKey;
import sluice.actors.metadata.ProducerIdsKey.ProducerIdsRecord;
import sluice.actors.quorum.BrokerQuorum;

/**
 * A broker's producer ids (Kafka's {@code RPCProducerIdManager} with the idempotent half of the
 * transaction coordinator's {@code InitProducerId}): one per broker, started by the broker. It asks
 * the controller for blocks of ids ({@link Controller.AllocateProducerIds}), hands ids out in order
 * ({@link ProducerIdBlocks}), asks for the next block once 90% of the current one is handed out,
 * and answers {@link InitProducerId} as {@link InitProducerIds} decides.
 *
 * <p>A request that needs a new id while the broker holds none waits, in arrival order, until a
 * block comes or its own timeout passes (by the given clock); then it is answered retriably: with
 * the controller's last retriable error ({@code NO_QUORUM}, say) or {@code
 * COORDINATOR_LOAD_IN_PROGRESS}, as Kafka answers while its next block is on the way. The
 * controller is asked again after an error or no answer within {@code controller-ask-timeout}, with
 * a backoff from {@code retry-backoff} doubling to {@code retry-max-backoff}, through the singleton
 * proxy, so it reaches the controller wherever it moved. A block that comes late, after its ask was
 * given up, is used all the same (answers come to one adapter, not to a per-ask reference): every
 * block the controller answers is this broker's alone.
 *
 * <p>The mark ({@link ProducerIdsKey}) is followed through a subscription; an epoch bump for an id
 * at or above the mark this broker knows reads it from a quorum before the id is refused, so an id
 * another broker handed out a moment ago is bumped, not refused.
 */
public final class ProducerIdManager {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerIdManager.class);

  /** Sent within the broker only (the gateway asks its own broker's manager). */
  public sealed interface Command extends CborSerializable {}

  /**
   * A producer asks for its id: none ({@code null} or -1 for both) for a new id with epoch 0; its
   * current id and epoch for the epoch bump ({@link InitProducerIds}).
   *
   * @param timeoutMs how long it may wait for a block
   */
  public record InitProducerId(
      Long producerId, Short producerEpoch, long timeoutMs, ActorRef<InitProducerIdReply> replyTo)
      implements Command {}

  private record BlockAnswered(ProducerIdsAllocated reply) implements Command {}

  private record AskTimedOut() implements Command {}

  private record AskAgain() implements Command {}

  private record Expire() implements Command {}

  private record MarkChanged(Replicator.SubscribeResponse<LWWRegister<ProducerIdsRecord>> change)
      implements Command, NoSerializationVerificationNeeded {}

  private record MarkRead(Replicator.GetResponse<LWWRegister<ProducerIdsRecord>> response)
      implements Command, NoSerializationVerificationNeeded {}

  private record Waiting(InitProducerId request, long deadlineMillis) {}

  private enum TimerKey {
    ASK_TIMEOUT,
    ASK_AGAIN,
    EXPIRE
  }

  /** Settings under {@code sluice.producer-ids}. */
  public record Settings(
      Duration controllerAskTimeout,
      Duration retryBackoff,
      Duration retryMaxBackoff,
      Duration markReadTimeout) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.producer-ids");
      return new Settings(
          c.getDuration("controller-ask-timeout"),
          c.getDuration("retry-backoff"),
          c.getDuration("retry-max-backoff"),
          c.getDuration("mark-read-timeout"));
    }
  }

  /**
   * @param controller the controller singleton's proxy
   * @param clock the requests' deadlines
   */
  public record Wiring(
      int brokerId, Settings settings, ActorRef<Controller.Command> controller, Clock clock) {}

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new ProducerIdManager(context, timers, wiring).start()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Wiring wiring;
  private final Settings settings;
  private final ReplicatorMessageAdapter<Command, LWWRegister<ProducerIdsRecord>> marks;
  private final ActorRef<ProducerIdsAllocated> allocated;
  private final ProducerIdBlocks blocks = new ProducerIdBlocks();
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private final List<InitProducerId> checking = new ArrayList<>();
  private boolean asking;
  private boolean backingOff;
  private Duration backoff;
  private ApiError lastError;

  private ProducerIdManager(
      ActorContext<Command> context, TimerScheduler<Command> timers, Wiring wiring) {
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.settings = wiring.settings();
    this.backoff = settings.retryBackoff();
    this.allocated = context.messageAdapter(ProducerIdsAllocated.class, BlockAnswered::new);
    this.marks =
        new ReplicatorMessageAdapter<>(
            context,
            DistributedData.get(context.getSystem()).replicator(),
            settings.markReadTimeout().plusSeconds(1));
  }

  private Behavior<Command> start() {
    marks.subscribe(ProducerIdsKey.KEY, MarkChanged::new);
    ask();
    return Behaviors.receive(Command.class)
        .onMessage(InitProducerId.class, this::onInitProducerId)
        .onMessage(BlockAnswered.class, this::onBlockAnswered)
        .onMessage(AskTimedOut.class, timedOut -> onAskTimedOut())
        .onMessage(AskAgain.class, again -> onAskAgain())
        .onMessage(Expire.class, expire -> onExpire())
        .onMessage(MarkChanged.class, this::onMarkChanged)
        .onMessage(MarkRead.class, this::onMarkRead)
        .build();
  }

  private Behavior<Command> onInitProducerId(InitProducerId request) {
    return decide(request, false);
  }

  private Behavior<Command> decide(InitProducerId request, boolean markRead) {
    var decision =
        InitProducerIds.decide(
            request.producerId(), request.producerEpoch(), blocks.knownMark(), markRead);
    if (decision instanceof InitProducerIds.NewId) {
      waiting.addLast(
          new Waiting(request, wiring.clock().millis() + Math.max(0, request.timeoutMs())));
      serveWaiting();
    } else if (decision instanceof InitProducerIds.Bump bump) {
      request.replyTo().tell(new InitProducerIdReply(bump.producer(), null));
    } else if (decision instanceof InitProducerIds.Check) {
      checking.add(request);
      if (checking.size() == 1) {
        readMark();
      }
    } else {
      request
          .replyTo()
          .tell(new InitProducerIdReply(null, ((InitProducerIds.Refuse) decision).error()));
    }
    return Behaviors.same();
  }

  /** Hands ids to the waiting requests in order while there are ids; asks for blocks as needed. */
  private void serveWaiting() {
    while (!waiting.isEmpty()) {
      OptionalLong id = blocks.claim();
      if (id.isEmpty()) {
        break;
      }
      waiting
          .removeFirst()
          .request()
          .replyTo()
          .tell(new InitProducerIdReply(new ProducerIdAndEpoch(id.getAsLong(), (short) 0), null));
    }
    ask();
    armExpiry();
  }

  /** Asks the controller for a block if one is wanted and no ask or backoff is under way. */
  private void ask() {
    if (asking || backingOff || !(blocks.wantsBlock() || !waiting.isEmpty())) {
      return;
    }
    asking = true;
    wiring.controller().tell(new Controller.AllocateProducerIds(wiring.brokerId(), allocated));
    timers.startSingleTimer(
        TimerKey.ASK_TIMEOUT, new AskTimedOut(), settings.controllerAskTimeout());
  }

  /**
   * A block is taken whenever it comes, also after its ask was given up; an error answers only the
   * ask under way (a late one is ignored: the ask was already repeated).
   */
  private Behavior<Command> onBlockAnswered(BlockAnswered answered) {
    ProducerIdsAllocated reply = answered.reply();
    if (reply.block() != null) {
      if (blocks.accept(reply.block())) {
        LOG.debug("Broker {} got producer ids {}", wiring.brokerId(), reply.block());
      } else {
        LOG.info("Producer ids {} dropped: two blocks are held already", reply.block());
      }
      asking = false;
      timers.cancel(TimerKey.ASK_TIMEOUT);
      backoff = settings.retryBackoff();
      lastError = null;
      serveWaiting();
      return Behaviors.same();
    }
    if (asking) {
      askAgainLater(reply.error());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onAskTimedOut() {
    if (asking) {
      askAgainLater(
          ApiError.of(
              ErrorCode.REQUEST_TIMED_OUT,
              "The controller did not answer a request for producer ids within %s",
              settings.controllerAskTimeout()));
    }
    return Behaviors.same();
  }

  private void askAgainLater(ApiError error) {
    asking = false;
    timers.cancel(TimerKey.ASK_TIMEOUT);
    lastError = error;
    LOG.warn(
        "Broker {} asks the controller for producer ids again in {}: {}",
        wiring.brokerId(),
        backoff,
        error.message());
    backingOff = true;
    timers.startSingleTimer(TimerKey.ASK_AGAIN, new AskAgain(), backoff);
    Duration doubled = backoff.multipliedBy(2);
    backoff =
        doubled.compareTo(settings.retryMaxBackoff()) > 0 ? settings.retryMaxBackoff() : doubled;
  }

  private Behavior<Command> onAskAgain() {
    backingOff = false;
    ask();
    return Behaviors.same();
  }

  /** Answers the requests whose deadline passed, retriably, and arms the next expiry. */
  private Behavior<Command> onExpire() {
    long now = wiring.clock().millis();
    waiting.removeIf(
        w -> {
          if (w.deadlineMillis() > now) {
            return false;
          }
          w.request().replyTo().tell(new InitProducerIdReply(null, waitedOut(w.request())));
          return true;
        });
    armExpiry();
    return Behaviors.same();
  }

  private ApiError waitedOut(InitProducerId request) {
    String cause = lastError == null ? "a request is under way" : lastError.message();
    ErrorCode code =
        lastError != null && lastError.code().retriable()
            ? lastError.code()
            : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    return ApiError.of(
        code,
        "Broker %d has no producer id to hand out: it is waiting for a block from the controller"
            + " (%s); nothing was allocated within %d ms, retry",
        wiring.brokerId(),
        cause,
        request.timeoutMs());
  }

  private void armExpiry() {
    if (waiting.isEmpty()) {
      timers.cancel(TimerKey.EXPIRE);
      return;
    }
    long earliest = waiting.stream().mapToLong(Waiting::deadlineMillis).min().getAsLong();
    long delay = Math.max(0, earliest - wiring.clock().millis());
    timers.startSingleTimer(TimerKey.EXPIRE, new Expire(), Duration.ofMillis(delay));
  }

  // ---------------------------------------------------------------------------------------------
  // The mark: followed locally, read from a quorum before an id above it is refused.

  private Behavior<Command> onMarkChanged(MarkChanged message) {
    if (message.change() instanceof Replicator.Changed<LWWRegister<ProducerIdsRecord>> changed) {
      blocks.markSeen(changed.get(ProducerIdsKey.KEY).getValue().nextProducerId());
    }
    return Behaviors.same();
  }

  private void readMark() {
    int n = BrokerQuorum.get(context.getSystem()).current().replicasToReach();
    Replicator.ReadConsistency consistency =
        n == 1 ? Replicator.readLocal() : new Replicator.ReadFrom(n, settings.markReadTimeout());
    marks.askGet(
        replyTo -> new Replicator.Get<>(ProducerIdsKey.KEY, consistency, replyTo), MarkRead::new);
  }

  private Behavior<Command> onMarkRead(MarkRead read) {
    List<InitProducerId> checked = new ArrayList<>(checking);
    checking.clear();
    var response = read.response();
    if (response instanceof Replicator.GetSuccess<LWWRegister<ProducerIdsRecord>> success) {
      blocks.markSeen(success.get(ProducerIdsKey.KEY).getValue().nextProducerId());
    } else if (!(response instanceof Replicator.NotFound)) {
      ApiError error =
          ApiError.of(
              ErrorCode.REQUEST_TIMED_OUT,
              "Broker %d could not read the producer id mark from a quorum within %s to check the"
                  + " producer id; retry",
              wiring.brokerId(),
              settings.markReadTimeout());
      checked.forEach(r -> r.replyTo().tell(new InitProducerIdReply(null, error)));
      return Behaviors.same();
    }
    checked.forEach(r -> decide(r, true));
    return Behaviors.same();
  }
}
