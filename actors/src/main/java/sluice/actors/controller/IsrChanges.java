package sluice.actors.controller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller.AlterPartition;
import sluice.actors.controller.Controller.AlterPartitionResult;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * ISR changes ({@link AlterPartition}, Kafka's AlterPartition), batched: proposals that arrive
 * while another write runs wait here ({@link #defer}) and are then checked together, in arrival
 * order, each by {@link AlterPartitionCheck} against the topic as the accepted ones before it leave
 * it (so a second proposal for one partition with the same epochs is refused {@code
 * INVALID_UPDATE_VERSION}); the accepted ones are one majority write.
 *
 * <p>Holds only the deferred proposals; the decisions are functions of the topics and live brokers
 * given. Not thread-safe: only the controller actor uses it.
 */
final class IsrChanges {
  private static final Logger LOG = LoggerFactory.getLogger(IsrChanges.class);

  /** A proposal and its answer. */
  record Answer(AlterPartition request, AlterPartitionResult result) {}

  /** A proposal that passed its check, with the partition as it will be stored. */
  record Accepted(AlterPartition request, PartitionAssignment partition) {}

  /**
   * The outcome of checking a batch: the refused proposals with their answers, the accepted ones,
   * and the write that stores these (null if none was accepted).
   */
  record Batch(List<Answer> refused, List<Accepted> accepted, TopicStore.Alter write) {
    Batch {
      refused = List.copyOf(refused);
      accepted = List.copyOf(accepted);
    }
  }

  private final Duration writeTimeout;
  private final List<AlterPartition> deferred = new ArrayList<>();

  IsrChanges(Duration writeTimeout) {
    this.writeTimeout = writeTimeout;
  }

  /** Keeps a proposal that arrived while another write runs, for the next batch. */
  void defer(AlterPartition request) {
    deferred.add(request);
  }

  /** The deferred proposals, in arrival order; none are kept after. */
  List<AlterPartition> takeDeferred() {
    List<AlterPartition> batch = List.copyOf(deferred);
    deferred.clear();
    return batch;
  }

  /**
   * Checks proposals in arrival order, each against the topic as the accepted ones before it leave
   * it.
   *
   * @param serving the brokers an ISR may add: live, with an online data directory
   */
  static Batch check(
      List<AlterPartition> requests, Map<String, TopicMetadata> topics, Set<Integer> serving) {
    Map<String, TopicMetadata> altered = new TreeMap<>();
    List<Answer> refused = new ArrayList<>();
    List<Accepted> accepted = new ArrayList<>();
    for (AlterPartition request : requests) {
      TopicMetadata current = altered.getOrDefault(request.topic(), topics.get(request.topic()));
      var checked = AlterPartitionCheck.check(current, request, serving);
      if (checked.error() != null) {
        refused.add(new Answer(request, new AlterPartitionResult(null, checked.error())));
      } else {
        altered.put(request.topic(), checked.topic());
        accepted.add(new Accepted(request, checked.partition()));
      }
    }
    List<TopicWrites.Change> changes =
        altered.values().stream()
            .map(after -> new TopicWrites.Change(topics.get(after.name()), after))
            .toList();
    return new Batch(refused, accepted, accepted.isEmpty() ? null : TopicStore.Alter.of(changes));
  }

  /** The answers to the accepted proposals of a batch whose write ended with {@code outcome}. */
  List<Answer> written(Batch batch, WriteOutcome outcome) {
    List<Answer> answers = new ArrayList<>();
    for (Accepted accepted : batch.accepted()) {
      AlterPartition request = accepted.request();
      PartitionAssignment partition = accepted.partition();
      String tp = request.topic() + "-" + request.partition();
      ApiError error =
          outcome.error(
              String.format(
                  "ISR %s of %s (partition epoch %d) is stored",
                  partition.isr(), tp, partition.partitionEpoch()),
              "propose again once the metadata shows it",
              writeTimeout,
              ApiError.of(
                  ErrorCode.INVALID_UPDATE_VERSION,
                  "Topic '%s' changed while the ISR of partition %d was being altered;"
                      + " nothing was written",
                  request.topic(),
                  request.partition()));
      if (error == null) {
        LOG.info(
            "ISR of {} is now {} (leader {}, leader epoch {}, partition epoch {})",
            tp,
            partition.isr(),
            partition.leader(),
            partition.leaderEpoch(),
            partition.partitionEpoch());
      }
      answers.add(
          new Answer(
              request,
              error == null
                  ? new AlterPartitionResult(partition, null)
                  : new AlterPartitionResult(null, error)));
    }
    return answers;
  }
}
