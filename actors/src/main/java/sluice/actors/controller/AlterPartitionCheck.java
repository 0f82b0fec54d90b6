package sluice.actors.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * The compare-and-set of {@link Controller.AlterPartition}: the checks, in Kafka's order, and the
 * topic as it is to be stored. Pure; the controller writes the result.
 *
 * <ol>
 *   <li>the topic exists with the given topic id and has the partition, else {@code
 *       UNKNOWN_TOPIC_OR_PARTITION};
 *   <li>the leader epoch is the current one, else {@code FENCED_LEADER_EPOCH} (a deposed leader);
 *   <li>the sender is the current leader, else {@code INVALID_REQUEST};
 *   <li>the partition epoch is the current one, else {@code INVALID_UPDATE_VERSION};
 *   <li>the new ISR is not empty, has no duplicates, holds only replicas, holds the leader, and
 *       every broker it adds is live with an online data directory, else {@code INVALID_REQUEST}
 *       (Kafka answers {@code INELIGIBLE_REPLICA} for a fenced broker or one whose log directory is
 *       offline; a leader that sees it tries again at its next check).
 * </ol>
 *
 * The stored partition keeps its leader and leader epoch and gets the new ISR with the partition
 * epoch + 1.
 */
public final class AlterPartitionCheck {
  private AlterPartitionCheck() {}

  /** Exactly one of {@code topic} (with {@code partition} in it) and {@code error} is non-null. */
  public record Result(TopicMetadata topic, PartitionAssignment partition, ApiError error) {}

  /**
   * @param topic the topic as stored, null if there is none of that name
   * @param serving the brokers an ISR may add: live, with an online data directory
   */
  public static Result check(
      TopicMetadata topic, Controller.AlterPartition request, Set<Integer> serving) {
    Result sender = checkLeader(topic, request);
    if (sender.error() != null) {
      return sender;
    }
    PartitionAssignment current = sender.partition();
    String tp = request.topic() + "-" + request.partition();
    List<Integer> isr = request.newIsr();
    if (isr.isEmpty() || new HashSet<>(isr).size() != isr.size()) {
      return failed(
          ErrorCode.INVALID_REQUEST, "New ISR %s of %s is empty or repeats a broker", isr, tp);
    }
    if (!current.replicas().containsAll(isr)) {
      List<Integer> strangers = new ArrayList<>(isr);
      strangers.removeAll(current.replicas());
      return failed(
          ErrorCode.INVALID_REQUEST,
          "New ISR %s of %s holds brokers %s that are not replicas %s",
          isr,
          tp,
          strangers,
          current.replicas());
    }
    if (!isr.contains(current.leader())) {
      return failed(
          ErrorCode.INVALID_REQUEST,
          "New ISR %s of %s does not hold the leader %d",
          isr,
          tp,
          current.leader());
    }
    List<Integer> deadAdded =
        isr.stream()
            .filter(b -> !current.isr().contains(b))
            .filter(b -> !serving.contains(b))
            .toList();
    if (!deadAdded.isEmpty()) {
      return failed(
          ErrorCode.INVALID_REQUEST,
          "New ISR %s of %s adds brokers %s that are not live or whose data directory is offline",
          isr,
          tp,
          deadAdded);
    }
    PartitionAssignment altered =
        new PartitionAssignment(
            current.partition(),
            current.replicas(),
            current.leader(),
            current.leaderEpoch(),
            isr,
            current.partitionEpoch() + 1);
    List<PartitionAssignment> partitions = new ArrayList<>(topic.partitions());
    partitions.set(current.partition(), altered);
    return new Result(
        new TopicMetadata(
            topic.name(), topic.topicId(), topic.internal(), topic.configs(), partitions),
        altered,
        null);
  }

  /**
   * Who asks about its own partition, and in which epochs: the compare-and-set part of a leader's
   * request ({@link Controller.AlterPartition}, {@link Controller.ResignLeadership}).
   */
  interface Sender {
    String topic();

    String topicId();

    int partition();

    int leaderId();

    int leaderEpoch();

    int partitionEpoch();
  }

  /**
   * The first four checks, shared by every request a leader makes about its own partition ({@link
   * Controller.AlterPartition}, {@link Controller.ResignLeadership}): the topic and partition
   * exist, the leader epoch is current, the sender leads, the partition epoch is current.
   *
   * @param topic the topic as stored, null if there is none of that name
   * @return the stored topic and partition, or the error
   */
  static Result checkLeader(TopicMetadata topic, Sender request) {
    String tp = request.topic() + "-" + request.partition();
    if (topic == null || !topic.topicId().equals(request.topicId())) {
      return failed(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          "Topic '%s' with id %s does not exist%s",
          request.topic(),
          request.topicId(),
          topic == null ? "" : " (its id is now " + topic.topicId() + ")");
    }
    PartitionAssignment current = topic.partition(request.partition()).orElse(null);
    if (current == null) {
      return failed(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          "Partition %s does not exist: topic '%s' has %d partitions",
          tp,
          request.topic(),
          topic.partitions().size());
    }
    if (request.leaderEpoch() != current.leaderEpoch()) {
      return failed(
          ErrorCode.FENCED_LEADER_EPOCH,
          "Leader epoch %d of %s is not the current one, %d (leader %d)",
          request.leaderEpoch(),
          tp,
          current.leaderEpoch(),
          current.leader());
    }
    if (request.leaderId() != current.leader()) {
      return failed(
          ErrorCode.INVALID_REQUEST,
          "Broker %d is not the leader of %s in leader epoch %d; broker %d is",
          request.leaderId(),
          tp,
          current.leaderEpoch(),
          current.leader());
    }
    if (request.partitionEpoch() != current.partitionEpoch()) {
      return failed(
          ErrorCode.INVALID_UPDATE_VERSION,
          "Partition epoch %d of %s is not the current one, %d",
          request.partitionEpoch(),
          tp,
          current.partitionEpoch());
    }
    return new Result(topic, current, null);
  }

  private static Result failed(ErrorCode code, String format, Object... args) {
    return new Result(null, null, ApiError.of(code, format, args));
  }
}
