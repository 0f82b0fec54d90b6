package sluice.actors.controller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller.AlterPartitionResult;
import sluice.actors.controller.Controller.ResignLeadership;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * A leader's {@link ResignLeadership} (its own log holds a corrupt batch): the compare-and-set
 * checks of {@link AlterPartitionCheck#checkLeader}, the election of {@link LeaderElection#resign},
 * and the answer once the election is written. Pure; the controller writes, places and answers.
 */
final class Resignations {
  private static final Logger LOG = LoggerFactory.getLogger(Resignations.class);

  private Resignations() {}

  /** What the controller does with a resignation. */
  sealed interface Step {}

  /** Answer at once: refused, or kept (no other ISR member can lead; nothing is written). */
  record Answer(AlterPartitionResult result) implements Step {}

  /** Write this election (one partition of one topic), place the new leader, then answer. */
  record Move(LeaderElection.TopicElection election) implements Step {
    PartitionAssignment partition() {
      return election.decisions().get(0).after();
    }
  }

  /**
   * @param topic the topic as stored, null if there is none of that name
   * @param brokers the brokers as an election sees them now
   */
  static Step decide(
      ResignLeadership request, TopicMetadata topic, LeaderElection.Brokers brokers) {
    var checked = AlterPartitionCheck.checkLeader(topic, request);
    if (checked.error() != null) {
      return new Answer(new AlterPartitionResult(null, checked.error()));
    }
    PartitionAssignment current = checked.partition();
    Optional<LeaderElection.Decision> decision = LeaderElection.resign(current, brokers);
    if (decision.isEmpty()) {
      LOG.warn(
          "{}-{}: leader {} found a corrupt batch at offset {} in its own log, but no other ISR"
              + " member of {} is live with an online data directory: it keeps leading",
          request.topic(),
          request.partition(),
          request.leaderId(),
          request.corruptOffset(),
          current.isr());
      return new Answer(new AlterPartitionResult(current, null));
    }
    List<PartitionAssignment> partitions = new ArrayList<>(topic.partitions());
    partitions.set(current.partition(), decision.get().after());
    TopicMetadata after =
        new TopicMetadata(
            topic.name(), topic.topicId(), topic.internal(), topic.configs(), partitions);
    return new Move(new LeaderElection.TopicElection(topic, after, List.of(decision.get())));
  }

  /** The answer to {@code request} once the write of {@code move} ended with {@code outcome}. */
  static AlterPartitionResult written(
      ResignLeadership request, Move move, WriteOutcome outcome, Duration writeTimeout) {
    PartitionAssignment moved = move.partition();
    ApiError error =
        outcome.error(
            String.format(
                "The leadership of %s-%d is moved to broker %d (leader epoch %d)",
                request.topic(), request.partition(), moved.leader(), moved.leaderEpoch()),
            "the metadata shows whether it took effect",
            writeTimeout,
            ApiError.of(
                ErrorCode.INVALID_UPDATE_VERSION,
                "Topic '%s' changed while the leadership of partition %d was being moved;"
                    + " nothing was written",
                request.topic(),
                request.partition()));
    return error == null
        ? new AlterPartitionResult(moved, null)
        : new AlterPartitionResult(null, error);
  }
}
