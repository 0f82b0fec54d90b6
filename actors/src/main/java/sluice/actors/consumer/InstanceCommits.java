package sluice.actors.consumer;

import akka.actor.typed.ActorRef;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import sluice.actors.api.ApiError;
import sluice.actors.consumer.InstanceCalls.CommitDone;
import sluice.actors.consumer.InstanceCommand.Commit;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.Kind;
import sluice.actors.consumer.InstanceCommand.PartitionOffset;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.PartitionResults;
import sluice.actors.group.state.Refusal;
import sluice.actors.group.state.TopicPartition;

/**
 * The commits of a {@link LiveInstance}: a client's {@code POST offsets} turned into {@link
 * ConsumerInstance}'s commit, the clients waiting for the coordinator's answer, how many commits
 * are in flight (the record is deleted only once none is), and the coordinator's answer turned back
 * into the instance's state and the client's reply. Not thread-safe: the entity's own.
 */
final class InstanceCommits {
  private final ConsumerInstance instance;
  private final Logger log;
  private final Map<Long, ActorRef<Done>> waiters = new HashMap<>();
  private int inFlight;

  InstanceCommits(ConsumerInstance instance, Logger log) {
    this.instance = instance;
    this.log = log;
  }

  /** What {@code commit} asks of the instance: the posted offsets, or everything fetched. */
  Outcome outcomeOf(Commit commit) {
    if (commit.lastConsumed() == null) {
      return instance.commitAll();
    }
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    Map<TopicPartition, String> metadata = new HashMap<>();
    for (PartitionOffset o : commit.lastConsumed()) {
      offsets.put(o.partition(), o.offset());
      if (o.metadata() != null) {
        metadata.put(o.partition(), o.metadata());
      }
    }
    return instance.commit(offsets, metadata);
  }

  /** {@code replyTo} is answered once the coordinator answers the commits among {@code effects}. */
  void awaitAnswer(List<Effect> effects, ActorRef<Done> replyTo) {
    for (Effect effect : effects) {
      if (effect instanceof Effect.Commit commit) {
        waiters.put(commit.id(), replyTo);
      }
    }
  }

  /** A commit was sent to the coordinator. */
  void sent() {
    inFlight++;
  }

  /** Whether no commit waits for the coordinator's answer. */
  boolean idle() {
    return inFlight == 0;
  }

  /** The coordinator answered a commit: the instance learns the outcome, its client is told. */
  List<Effect> onDone(CommitDone done, long now) {
    inFlight--;
    ActorRef<Done> waiter = waiters.remove(done.id());
    if (done.failure() != null || done.reply().error() != null) {
      if (waiter != null) {
        waiter.tell(
            new Done(
                done.failure() != null
                    ? Failure.broker(
                        ApiError.ofFailedAsk("The group's coordinator", done.failure()))
                    : Failure.broker(done.reply().error())));
      }
      return instance.commitFailed(done.id(), now);
    }
    Set<TopicPartition> accepted = new TreeSet<>();
    Map<TopicPartition, Refusal> refused = new LinkedHashMap<>();
    for (GroupRequest.PartitionOutcome o : done.reply().partitions()) {
      if (o.error() == null) {
        accepted.add(o.partition());
      } else {
        refused.put(o.partition(), new Refusal(o.error(), o.message()));
      }
    }
    if (!refused.isEmpty()) {
      log.info("Commit refused: {}", Answers.describe(refused));
    }
    List<Effect> effects =
        instance.commitAnswered(done.id(), new PartitionResults(accepted, refused), now);
    if (waiter != null) {
      waiter.tell(
          refused.isEmpty()
              ? Done.OK
              : new Done(
                  Failure.of(
                      Kind.COMMIT_REFUSED,
                      "The group's coordinator refused the commit of "
                          + Answers.describe(refused))));
    }
    return effects;
  }
}
