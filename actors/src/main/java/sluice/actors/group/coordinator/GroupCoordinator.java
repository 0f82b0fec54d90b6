package sluice.actors.group.coordinator;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.PartitionLeaders;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.state.Expired;
import sluice.actors.group.state.Groups;
import sluice.actors.group.state.Result;
import sluice.actors.metadata.MetadataView;
import sluice.storage.record.CorruptRecordException;

/**
 * The coordinator of the groups of one {@code __consumer_offsets} partition, run by {@link
 * GroupCoordinators} on the broker that leads the partition, for one leader epoch.
 *
 * <p><b>Loading.</b> It reads its partition from the log start through the partition leader ({@link
 * PartitionLeaders}, fetches bounded by the high watermark) up to the log end offset the leader had
 * when loading began, so records a previous coordinator wrote but whose commit it never saw are
 * replayed too before anything is decided; meanwhile every request is answered {@code
 * COORDINATOR_LOAD_IN_PROGRESS}.
 *
 * <p><b>Serving.</b> Decide, append, replay: a write decision's records go to the leader as one
 * batch stamped with this coordinator's leader epoch, acks=all; once acknowledged they are replayed
 * and the answer sent. One append in flight per group ({@link GroupWrites}). An append that fails
 * with a retriable error (or times out) may still be committed later, so the coordinator refuses
 * every waiting request ({@code NOT_COORDINATOR} when leadership moved, else {@code
 * COORDINATOR_NOT_AVAILABLE}, both retriable) and loads again. A timer runs every group's {@code
 * expire}. Time is read from the given clock. See {@code docs/consumer-groups.md}, "Coordinators".
 */
public final class GroupCoordinator {

  /** What the behavior handles: the requests handed over, and its own internal messages. */
  interface Message {}

  private interface Internal extends Message, NoSerializationVerificationNeeded {}

  /** A request the broker's {@link GroupCoordinators} hands over. */
  public record Serve(GroupRequest<?> request) implements Message, CborSerializable {}

  private record OffsetsRead(int generation, Gateway.OffsetsReply reply, Throwable failure)
      implements Internal {}

  private record Fetched(int generation, PartitionLeaders.Fetched reply, Throwable failure)
      implements Internal {}

  private record RetryLoad(int generation) implements Internal {}

  private record Appended(
      int generation, String groupId, PartitionLeaders.Appended reply, Throwable failure)
      implements Internal {}

  private record Expire() implements Internal {}

  /**
   * What a coordinator is built from.
   *
   * @param partition its partition of {@code __consumer_offsets}
   * @param leaderEpoch the leader epoch it was started for; stamped on its batches
   */
  public record Context(
      int partition,
      int leaderEpoch,
      GroupSettings settings,
      PartitionLeaders leaders,
      Clock clock) {}

  private static final Duration LOAD_MAX_WAIT = Duration.ofMillis(500);
  private static final Duration ASK_MARGIN = Duration.ofSeconds(5);

  static Behavior<Serve> create(Context wiring) {
    Behavior<Message> behavior =
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers -> new GroupCoordinator(context, timers, wiring).load()));
    return behavior.narrow();
  }

  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;
  private final Context wiring;
  private final String name;
  private final MetadataView view;
  private final GroupDecisions decisions = new GroupDecisions();
  private int generation;
  private Groups groups;
  private GroupWrites<Serve> writes;
  private long position = -1;
  private long loadEnd;
  private long loadStartedMs;

  private GroupCoordinator(
      ActorContext<Message> context, TimerScheduler<Message> timers, Context wiring) {
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.name = OffsetsTopic.NAME + "-" + wiring.partition();
    this.view = MetadataView.get(context.getSystem());
  }

  // ---- loading ---------------------------------------------------------------------------------

  /** Forgets everything and reads the partition again. */
  private Behavior<Message> load() {
    generation++;
    groups = new Groups(wiring.settings().groupConfig());
    writes = new GroupWrites<>();
    position = -1;
    loadStartedMs = wiring.clock().millis();
    timers.cancel(Expire.class);
    readOffsets();
    return Behaviors.receive(Message.class)
        .onMessage(Serve.class, this::onServeWhileLoading)
        .onMessage(OffsetsRead.class, this::onOffsetsRead)
        .onMessage(Fetched.class, this::onFetched)
        .onMessage(RetryLoad.class, this::onRetryLoad)
        .onMessage(Appended.class, stale -> Behaviors.same())
        .onMessage(Expire.class, stale -> Behaviors.same())
        .build();
  }

  private Behavior<Message> onServeWhileLoading(Serve serve) {
    GroupDecisions.refuse(
        serve.request(),
        ApiError.of(
            ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
            "The coordinator of %s (leader epoch %d) is loading its groups; %d of %d offsets read",
            name,
            wiring.leaderEpoch(),
            Math.max(0, position),
            loadEnd));
    return Behaviors.same();
  }

  private void readOffsets() {
    int current = generation;
    context.pipeToSelf(
        wiring
            .leaders()
            .offsets(OffsetsTopic.NAME, wiring.partition(), wiring.settings().commitTimeout()),
        (reply, failure) -> new OffsetsRead(current, reply, failure));
  }

  private Behavior<Message> onOffsetsRead(OffsetsRead read) {
    if (read.generation() != generation) {
      return Behaviors.same();
    }
    if (read.failure() != null || read.reply().error() != null) {
      return retryLoad(
          "offsets", read.failure(), read.failure() == null ? read.reply().error() : null);
    }
    position = read.reply().offsets().logStartOffset();
    loadEnd = read.reply().offsets().logEndOffset();
    return fetchOrServe();
  }

  private Behavior<Message> fetchOrServe() {
    if (position >= loadEnd) {
      return serve();
    }
    int current = generation;
    context.pipeToSelf(
        wiring
            .leaders()
            .fetch(
                OffsetsTopic.NAME,
                wiring.partition(),
                -1,
                position,
                wiring.settings().loadFetchMaxBytes(),
                LOAD_MAX_WAIT.toMillis(),
                LOAD_MAX_WAIT.plus(ASK_MARGIN)),
        (reply, failure) -> new Fetched(current, reply, failure));
    return Behaviors.same();
  }

  private Behavior<Message> onFetched(Fetched fetched) {
    if (fetched.generation() != generation) {
      return Behaviors.same();
    }
    if (fetched.failure() != null || fetched.reply().error() != null) {
      return retryLoad(
          "fetch", fetched.failure(), fetched.failure() == null ? fetched.reply().error() : null);
    }
    OffsetsBatches.Read read;
    try {
      read = OffsetsBatches.decode(fetched.reply().batches(), position);
    } catch (CorruptRecordException e) {
      wiring
          .leaders()
          .corruptBatchSeen(OffsetsTopic.NAME, wiring.partition(), position, e.getMessage());
      return retryLoad("batch check", e, null);
    }
    read.records().forEach(groups::replay);
    position = read.nextOffset();
    return fetchOrServe();
  }

  private Behavior<Message> retryLoad(String step, Throwable failure, ApiError error) {
    context
        .getLog()
        .info(
            "Loading {} (leader epoch {}): {} at offset {} failed ({}); retrying",
            name,
            wiring.leaderEpoch(),
            step,
            position,
            error != null ? error : failure);
    timers.startSingleTimer(
        new RetryLoad(generation), wiring.settings().retryBackoff().multipliedBy(4));
    return Behaviors.same();
  }

  private Behavior<Message> onRetryLoad(RetryLoad retry) {
    if (retry.generation() != generation) {
      return Behaviors.same();
    }
    if (position < 0) {
      readOffsets();
      return Behaviors.same();
    }
    return fetchOrServe();
  }

  // ---- serving ---------------------------------------------------------------------------------

  private Behavior<Message> serve() {
    context
        .getLog()
        .info(
            "Coordinator of {} (leader epoch {}) loaded {} groups from offsets up to {} in {} ms",
            name,
            wiring.leaderEpoch(),
            groups.list().size(),
            loadEnd,
            wiring.clock().millis() - loadStartedMs);
    timers.startTimerWithFixedDelay(Expire.class, new Expire(), wiring.settings().expireInterval());
    return Behaviors.receive(Message.class)
        .onMessage(Serve.class, this::onServe)
        .onMessage(Appended.class, this::onAppended)
        .onMessage(Expire.class, this::onExpire)
        .onMessage(OffsetsRead.class, stale -> Behaviors.same())
        .onMessage(Fetched.class, stale -> Behaviors.same())
        .onMessage(RetryLoad.class, stale -> Behaviors.same())
        .build();
  }

  private Behavior<Message> onServe(Serve serve) {
    String groupId = serve.request().groupId();
    if (GroupDecisions.writes(serve.request()) && writes.busy(groupId)) {
      writes.await(groupId, serve);
      return Behaviors.same();
    }
    decide(serve);
    return Behaviors.same();
  }

  /** Decides {@code serve} on a group with no append in flight. */
  private void decide(Serve serve) {
    GroupRequest<?> request = serve.request();
    GroupDecisions.Decision decision;
    try {
      decision = decisions.decide(groups, request, view.current(), wiring.clock().millis());
    } catch (IllegalArgumentException | NullPointerException e) {
      GroupDecisions.refuse(request, GroupDecisions.invalid(request, e));
      return;
    }
    if (decision.records().isEmpty()) {
      decision.answer().run();
      return;
    }
    append(
        request.groupId(),
        new GroupWrites.InFlight(
            decision.records(), decision.answer(), error -> GroupDecisions.refuse(request, error)));
  }

  private void append(String groupId, GroupWrites.InFlight write) {
    writes.start(groupId, write);
    byte[] batch =
        OffsetsBatches.encode(write.records(), wiring.leaderEpoch(), wiring.clock().millis());
    Duration timeout = wiring.settings().commitTimeout();
    int current = generation;
    context.pipeToSelf(
        wiring
            .leaders()
            .append(
                OffsetsTopic.NAME,
                wiring.partition(),
                batch,
                Acks.ALL,
                timeout.toMillis(),
                timeout.plus(ASK_MARGIN)),
        (reply, failure) -> new Appended(current, groupId, reply, failure));
  }

  private Behavior<Message> onAppended(Appended appended) {
    if (appended.generation() != generation) {
      return Behaviors.same();
    }
    String groupId = appended.groupId();
    GroupWrites.InFlight write = writes.finish(groupId);
    ApiError error = appended.failure() != null ? null : appended.reply().error();
    if (appended.failure() == null && error == null) {
      write.records().forEach(groups::replay);
      write.onCommitted().run();
    } else if (error != null && !error.code().retriable()) {
      // Refused before anything was written (too large, say): the state is still the log's.
      write.onFailed().accept(error);
    } else {
      return reload(write, appended);
    }
    // Requests that waited for this append, until one of them writes again.
    while (!writes.busy(groupId)) {
      var next = writes.next(groupId);
      if (next.isEmpty()) {
        break;
      }
      decide(next.get());
    }
    return Behaviors.same();
  }

  /**
   * The append may yet be committed without this coordinator replaying it: refuse everything
   * waiting and load the partition again.
   */
  private Behavior<Message> reload(GroupWrites.InFlight failed, Appended appended) {
    ApiError cause =
        appended.failure() != null
            ? ApiError.of(ErrorCode.REQUEST_TIMED_OUT, "%s", unwrap(appended.failure()))
            : appended.reply().error();
    ErrorCode code =
        switch (cause.code()) {
          case NOT_LEADER_OR_FOLLOWER,
                  LEADER_NOT_AVAILABLE,
                  FENCED_LEADER_EPOCH,
                  UNKNOWN_LEADER_EPOCH,
                  KAFKA_STORAGE_ERROR ->
              ErrorCode.NOT_COORDINATOR;
          default -> ErrorCode.COORDINATOR_NOT_AVAILABLE;
        };
    ApiError refusal =
        ApiError.of(
            code,
            "The coordinator of %s (leader epoch %d) could not write its records (%s: %s); it is"
                + " loading its groups again",
            name,
            wiring.leaderEpoch(),
            cause.code(),
            cause.message());
    context.getLog().warn(refusal.message());
    failed.onFailed().accept(refusal);
    writes.drainInFlight().forEach(w -> w.onFailed().accept(refusal));
    writes.drainWaiting().forEach(s -> GroupDecisions.refuse(s.request(), refusal));
    return load();
  }

  private Behavior<Message> onExpire(Expire expire) {
    long now = wiring.clock().millis();
    for (String groupId : groups.withRecords()) {
      if (writes.busy(groupId)) {
        continue;
      }
      Result<Expired> result = decisions.expire(groups.group(groupId), view.current(), now);
      if (!result.records().isEmpty()) {
        Expired expired = result.response();
        append(
            groupId,
            new GroupWrites.InFlight(
                result.records(),
                () -> context.getLog().info("{} group {}: expired {}", name, groupId, expired),
                error -> {}));
      }
    }
    return Behaviors.same();
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
