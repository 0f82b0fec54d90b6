package sluice.actors.consumer;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import sluice.actors.consumer.InstanceCalls.CommitDone;
import sluice.actors.consumer.InstanceCalls.CommittedLookup;
import sluice.actors.consumer.InstanceCalls.CommittedRead;
import sluice.actors.consumer.InstanceCalls.Fetched;
import sluice.actors.consumer.InstanceCalls.HeartbeatDone;
import sluice.actors.consumer.InstanceCalls.OffsetListed;
import sluice.actors.consumer.InstanceCalls.PutDone;
import sluice.actors.consumer.InstanceCalls.RecordDeleted;
import sluice.actors.consumer.InstanceCommand.Assign;
import sluice.actors.consumer.InstanceCommand.Commit;
import sluice.actors.consumer.InstanceCommand.Create;
import sluice.actors.consumer.InstanceCommand.Delete;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.GetAssignment;
import sluice.actors.consumer.InstanceCommand.GetCommitted;
import sluice.actors.consumer.InstanceCommand.GetSubscription;
import sluice.actors.consumer.InstanceCommand.Kind;
import sluice.actors.consumer.InstanceCommand.PartitionsAnswer;
import sluice.actors.consumer.InstanceCommand.Poll;
import sluice.actors.consumer.InstanceCommand.Seek;
import sluice.actors.consumer.InstanceCommand.SeekTo;
import sluice.actors.consumer.InstanceCommand.Subscribe;
import sluice.actors.consumer.InstanceCommand.TopicsAnswer;
import sluice.actors.consumer.InstanceCommand.Unsubscribe;
import sluice.actors.consumer.InstanceConfig.Format;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.group.state.TopicPartition;

/**
 * A created instance entity at work: the {@link ConsumerInstance} logic driven by requests, timers
 * and the answers of {@link InstanceCalls}, whose {@link Effect}s it carries out. A subscription
 * change is written to the instance's durable record first and applied once committed, in request
 * order (a conflict is checked against the subscription all queued writes lead to). Its record's
 * {@code touchedAt} is rewritten at most every half {@code consumer-instance-timeout}; an instance
 * unused for {@code consumer-instance-timeout} deletes itself. Polls are served one at a time, in
 * order ({@link PollRun}).
 */
final class LiveInstance {
  private static final Duration LOOKUP_RETRY = Duration.ofMillis(500);

  /** How often at most an instance checks whether it has idled out. */
  private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

  private static final Object TICK = "tick";
  private static final Object IDLE = "idle";

  record Tick() implements InstanceCommand.Internal {}

  record IdleCheck() implements InstanceCommand.Internal {}

  record RetryLookup(Effect effect) implements InstanceCommand.Internal {}

  private final ActorContext<InstanceCommand> context;
  private final TimerScheduler<InstanceCommand> timers;
  private final InstanceEntity.Wiring wiring;
  private final String groupId;
  private final InstanceCalls calls;
  private final ConsumerInstance instance;
  private final Supplier<Behavior<InstanceCommand>> onDeleted;

  private final RecordWrites writes;
  private final InstanceCommits commits;
  private long heartbeatSeq;
  private final InstancePolls polls;
  private long lastUsed;
  private ActorRef<Done> deleting;
  private boolean closing;

  private LiveInstance(
      ActorContext<InstanceCommand> context,
      TimerScheduler<InstanceCommand> timers,
      InstanceEntity.Wiring wiring,
      String groupId,
      String instanceId,
      StoredInstance stored,
      Supplier<Behavior<InstanceCommand>> onDeleted) {
    this.context = context;
    this.timers = timers;
    this.wiring = wiring;
    this.groupId = groupId;
    this.calls = new InstanceCalls(context, wiring, groupId, instanceId);
    this.onDeleted = onDeleted;
    this.writes = new RecordWrites(calls, stored, wiring.settings().idleTimeout());
    long now = now();
    this.lastUsed = now;
    InstanceConfig config =
        wiring
            .settings()
            .configFor(
                new InstanceConfig(
                    Format.valueOf(stored.format()),
                    OffsetReset.valueOf(stored.autoOffsetReset()),
                    stored.autoCommitEnable(),
                    stored.fetchMinBytes(),
                    stored.requestTimeoutMs(),
                    1,
                    0));
    this.instance =
        new ConsumerInstance(groupId, instanceId, stored.memberId(), wiring.host(), config, now);
    this.polls = new InstancePolls(instance, calls, timers, wiring.clock(), this::run);
    this.commits = new InstanceCommits(instance, context.getLog());
  }

  static Behavior<InstanceCommand> start(
      ActorContext<InstanceCommand> context,
      TimerScheduler<InstanceCommand> timers,
      InstanceEntity.Wiring wiring,
      String groupId,
      String instanceId,
      StoredInstance stored,
      Supplier<Behavior<InstanceCommand>> onDeleted) {
    LiveInstance live =
        new LiveInstance(context, timers, wiring, groupId, instanceId, stored, onDeleted);
    context
        .getLog()
        .info(
            "Consumer instance {} of group {} is served here, as member {}",
            instanceId,
            groupId,
            stored.memberId());
    live.restore(stored);
    Duration check = wiring.settings().idleTimeout().dividedBy(4);
    timers.startTimerWithFixedDelay(
        IDLE, new IdleCheck(), check.compareTo(IDLE_CHECK) < 0 ? check : IDLE_CHECK);
    return live.behavior();
  }

  /** Takes up the subscription of the record, as when it was written. */
  private void restore(StoredInstance stored) {
    long now = now();
    Outcome outcome = Outcome.accepted(List.of());
    if (stored.topics() != null) {
      outcome = instance.subscribe(stored.topics(), now);
    } else if (stored.topicPattern() != null) {
      outcome = instance.subscribePattern(stored.topicPattern(), now);
    } else if (stored.assigned() != null) {
      outcome = instance.assign(new TreeSet<>(stored.assigned()), now);
    }
    run(outcome.effects());
    scheduleTick();
  }

  private Behavior<InstanceCommand> behavior() {
    return Behaviors.receive(InstanceCommand.class)
        .onMessage(InstanceCommand.Internal.class, this::onInternal)
        .onAnyMessage(this::onRequest)
        .build();
  }

  // ---- requests

  private Behavior<InstanceCommand> onRequest(InstanceCommand command) {
    if (deleting != null || closing) {
      Answers.fail(command, Failure.of(Kind.UNKNOWN_INSTANCE, "The instance is being deleted."));
      return Behaviors.same();
    }
    long now = now();
    lastUsed = now;
    writes.touch(now);
    if (command instanceof Create) {
      Answers.fail(
          command,
          Failure.of(Kind.ALREADY_EXISTS, "A consumer instance of that name already exists."));
    } else if (command instanceof Delete d) {
      return close(d.replyTo());
    } else if (command instanceof Subscribe s) {
      subscribe(s, now);
    } else if (command instanceof Unsubscribe u) {
      writes.write(
          writes.desired().withSubscription(null, null, null),
          () -> unsubscribed(now),
          u.replyTo());
    } else if (command instanceof Assign a) {
      assign(a, now);
    } else if (command instanceof GetSubscription g) {
      g.replyTo()
          .tell(
              new TopicsAnswer(
                  RecordSubscriptions.topics(instance.subscription(), wiring.metadata().get()),
                  null));
    } else if (command instanceof GetAssignment g) {
      g.replyTo().tell(new PartitionsAnswer(List.copyOf(instance.assignment()), null));
    } else if (command instanceof InstanceCommand.GetConfig g) {
      g.replyTo().tell(new InstanceCommand.ConfigAnswer(instance.config(), null));
    } else if (command instanceof Seek s) {
      Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
      s.offsets().forEach(o -> offsets.put(o.partition(), o.offset()));
      answer(instance.seek(offsets), s.replyTo());
    } else if (command instanceof SeekTo s) {
      Set<TopicPartition> partitions = Set.copyOf(s.partitions());
      answer(
          s.beginning() ? instance.seekToBeginning(partitions) : instance.seekToEnd(partitions),
          s.replyTo());
    } else if (command instanceof Poll p) {
      polls.add(p);
    } else if (command instanceof Commit c) {
      commit(c);
    } else if (command instanceof GetCommitted g) {
      calls.readCommitted(g);
    }
    scheduleTick();
    return Behaviors.same();
  }

  private void subscribe(Subscribe s, long now) {
    Subscription next =
        s.topics() != null
            ? new Subscription.TopicList(s.topics())
            : new Subscription.Pattern(s.topicPattern());
    Outcome conflict = ConsumerInstance.conflict(RecordSubscriptions.of(writes.desired()), next);
    if (conflict != null) {
      answer(conflict, s.replyTo());
      return;
    }
    if (s.topics() != null) {
      writes.write(
          writes.desired().withSubscription(s.topics(), null, null),
          () -> instance.subscribe(s.topics(), now()),
          s.replyTo());
    } else {
      writes.write(
          writes.desired().withSubscription(null, s.topicPattern(), null),
          () -> instance.subscribePattern(s.topicPattern(), now()),
          s.replyTo());
    }
  }

  private void assign(Assign a, long now) {
    Subscription next = new Subscription.Manual(Set.copyOf(a.partitions()));
    Outcome conflict = ConsumerInstance.conflict(RecordSubscriptions.of(writes.desired()), next);
    if (conflict != null) {
      answer(conflict, a.replyTo());
      return;
    }
    writes.write(
        writes.desired().withSubscription(null, null, List.copyOf(a.partitions())),
        () -> instance.assign(Set.copyOf(a.partitions()), now()),
        a.replyTo());
  }

  private Outcome unsubscribed(long now) {
    return Outcome.accepted(instance.unsubscribe(now));
  }

  private void commit(Commit c) {
    Outcome outcome = commits.outcomeOf(c);
    if (!outcome.ok() || outcome.effects().isEmpty()) {
      answer(outcome, c.replyTo());
      return;
    }
    commits.awaitAnswer(outcome.effects(), c.replyTo());
    run(outcome.effects());
  }

  private void answer(Outcome outcome, ActorRef<Done> replyTo) {
    if (outcome.ok()) {
      run(outcome.effects());
      replyTo.tell(Done.OK);
    } else {
      replyTo.tell(new Done(Answers.rejected(outcome.rejection())));
    }
  }

  // ---- the durable record

  private Behavior<InstanceCommand> onPutDone(PutDone done) {
    RecordWrites.Finished finished =
        writes.finished(done, r -> RecordSubscriptions.with(r, instance.subscription()));
    if (finished == null) {
      return Behaviors.same();
    }
    ActorRef<Done> replyTo = finished.put().replyTo();
    Failure failure = finished.failure();
    if (failure == null) {
      Outcome outcome = finished.put().apply().get();
      if (replyTo != null) {
        answer(outcome, replyTo);
      } else {
        run(outcome.effects());
      }
    } else {
      if (replyTo != null) {
        replyTo.tell(new Done(failure));
      }
      if (failure.kind() == Kind.UNKNOWN_INSTANCE) {
        // The coordinator removed the record (idle past the timeout): the instance is gone.
        context.getLog().info("Consumer instance record removed by the coordinator: {}", failure);
        return close(null);
      }
    }
    scheduleTick();
    return Behaviors.same();
  }

  // ---- deletion

  /**
   * Commits (with auto-commit), leaves the group, then deletes the record; {@code replyTo} hears.
   */
  private Behavior<InstanceCommand> close(ActorRef<Done> replyTo) {
    closing = true;
    deleting = replyTo;
    timers.cancelAll();
    polls.finishAll();
    run(instance.close(now()));
    return maybeDeleteRecord();
  }

  private Behavior<InstanceCommand> maybeDeleteRecord() {
    if (commits.idle()) {
      calls.deleteRecord();
    }
    return Behaviors.same();
  }

  private Behavior<InstanceCommand> onRecordDeleted(RecordDeleted deleted) {
    Failure failure = InstanceEntity.failureOf(deleted.reply(), deleted.failure());
    if (deleting != null) {
      deleting.tell(
          failure == null || failure.kind() == Kind.UNKNOWN_INSTANCE ? Done.OK : new Done(failure));
    }
    return onDeleted.get();
  }

  // ---- answers and timers

  private Behavior<InstanceCommand> onInternal(InstanceCommand.Internal message) {
    if (message instanceof InstanceEntity.Stop) {
      return Behaviors.stopped();
    }
    long now = now();
    if (message instanceof PutDone d) {
      return onPutDone(d);
    } else if (message instanceof RecordDeleted d) {
      return onRecordDeleted(d);
    } else if (message instanceof CommitDone d) {
      run(commits.onDone(d, now));
      if (closing) {
        return maybeDeleteRecord();
      }
    } else if (message instanceof HeartbeatDone d) {
      onHeartbeatDone(d, now);
    } else if (message instanceof CommittedLookup l) {
      if (l.failure() == null && l.reply().error() == null) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        l.reply()
            .offsets()
            .forEach(o -> offsets.put(new TopicPartition(o.topic(), o.partition()), o.offset()));
        instance.committedFetched(offsets);
        polls.replanIdle();
      } else {
        retryLater(new Effect.FetchCommitted(l.partitions()));
      }
    } else if (message instanceof OffsetListed l) {
      if (l.failure() == null && l.reply().error() == null) {
        long offset =
            l.reset() == OffsetReset.EARLIEST
                ? l.reply().offsets().logStartOffset()
                : l.reply().offsets().highWatermark();
        instance.offsetsListed(Map.of(l.partition(), offset));
        polls.replanIdle();
      } else {
        retryLater(new Effect.ListOffsets(Map.of(l.partition(), l.reset())));
      }
    } else if (message instanceof Fetched f) {
      polls.onFetched(f);
    } else if (message instanceof CommittedRead r) {
      Answers.committed(r);
    } else if (message instanceof InstancePolls.PollDeadline d) {
      polls.onDeadline(d);
    } else if (message instanceof RetryLookup r) {
      if (!closing) {
        run(List.of(r.effect()));
      }
    } else if (message instanceof Tick) {
      run(instance.tick(now));
    } else if (message instanceof IdleCheck) {
      if (now - lastUsed > wiring.settings().idleTimeout().toMillis() && !polls.busy()) {
        context
            .getLog()
            .info("Consumer instance idle for {}: deleting it", wiring.settings().idleTimeout());
        return close(null);
      }
    }
    if (!closing) {
      scheduleTick();
    }
    return Behaviors.same();
  }

  private void onHeartbeatDone(HeartbeatDone done, long now) {
    if (done.seq() != heartbeatSeq) {
      return;
    }
    List<Effect> effects;
    if (done.failure() != null || done.reply().error() != null) {
      effects = instance.heartbeatFailed(now);
    } else {
      if (done.reply().response().error() != null) {
        context
            .getLog()
            .info(
                "Heartbeat of member {} refused: {} {}",
                instance.memberId(),
                done.reply().response().error(),
                done.reply().response().message());
      }
      try {
        effects = instance.heartbeatAnswered(done.reply().response(), topicNamesById(), now);
      } catch (IllegalArgumentException unknownTopic) {
        // a topic this broker's view does not have yet: the next heartbeat asks again
        effects = instance.heartbeatFailed(now);
      }
    }
    run(effects);
    polls.replanIdle();
  }

  private Map<String, String> topicNamesById() {
    Map<String, String> names = new HashMap<>();
    wiring.metadata().get().topics().values().forEach(t -> names.put(t.topicId(), t.name()));
    return names;
  }

  private void retryLater(Effect lookup) {
    timers.startSingleTimer(new Object(), new RetryLookup(lookup), LOOKUP_RETRY);
  }

  // ---- effects

  private void run(List<Effect> effects) {
    for (Effect effect : effects) {
      if (effect instanceof Effect.Heartbeat h) {
        calls.heartbeat(h.request(), ++heartbeatSeq);
      } else if (effect instanceof Effect.Commit c) {
        commits.sent();
        calls.commit(c.id(), c.request());
      } else if (effect instanceof Effect.FetchCommitted f) {
        calls.lookUpCommitted(f.partitions());
      } else if (effect instanceof Effect.ListOffsets l) {
        l.partitions().forEach(calls::listOffset);
      } else if (effect instanceof Effect.Fetch f) {
        throw new IllegalStateException("fetches are planned by polls, not run as effects: " + f);
      }
    }
  }

  private void scheduleTick() {
    long deadline = instance.nextDeadline();
    if (deadline == Long.MAX_VALUE) {
      timers.cancel(TICK);
    } else {
      timers.startSingleTimer(TICK, new Tick(), Duration.ofMillis(Math.max(0, deadline - now())));
    }
  }

  private long now() {
    return wiring.clock().millis();
  }
}
