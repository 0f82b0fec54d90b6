package sluice.http;

import akka.http.javadsl.model.StatusCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.TopicDescription;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.TopicPartition;

/**
 * Resets a group's committed offsets, as {@code kafka-consumer-groups --reset-offsets --execute}:
 * resolves an {@link OffsetsResetRequest} to one offset per partition from the partitions' leaders,
 * then commits them all in one commit as a client outside the group (null member id, epoch -1).
 *
 * <p>Allowed only while the group has no members: the describe first gives the clear 409, and the
 * coordinator, which accepts an outsider's commit only for a group without members, makes it hold
 * against a member joining meanwhile. A group that does not exist yet is created by the commit, as
 * Kafka's tool does. Every check (topics and partitions exist, explicit offsets within the log,
 * every leader answered) is made before the commit, so a refused reset commits nothing.
 *
 * <ul>
 *   <li>{@code earliest}: the log start offset; {@code latest}: the high watermark (what consumers
 *       can read up to);
 *   <li>{@code timestamp}: the first offset whose record's timestamp is at or after it, or the high
 *       watermark when no record is that late (Kafka's tool does the same);
 *   <li>explicit offsets must lie within [log start, high watermark], else 400 naming the range
 *       (Kafka's tool silently clamps them).
 * </ul>
 */
final class OffsetsReset {
  private final GatewayClient client;
  private final GroupClient groups;

  OffsetsReset(GatewayClient client, GroupClient groups) {
    this.client = client;
    this.groups = groups;
  }

  /** One offset the reset committed. */
  record ResetOffset(String topic, int partition, long offset) {}

  /** The answer: the group and the offsets set, by topic and partition. */
  record ResetResult(String consumerGroupId, List<ResetOffset> offsets) {}

  CompletionStage<ResetResult> reset(String group, OffsetsResetRequest request) {
    return groups
        .describe(group)
        .thenCompose(
            described -> {
              int members = described.map(g -> g.members().size()).orElse(0);
              if (members > 0) {
                throw GroupErrors.hasMembers(group, "offsets can be reset for", members);
              }
              return partitions(request);
            })
        .thenCompose(partitions -> offsets(request, partitions))
        .thenCompose(offsets -> commit(group, offsets));
  }

  /** The partitions the request names, each checked to exist, in the request's order. */
  private CompletionStage<List<TopicPartition>> partitions(OffsetsResetRequest request) {
    List<String> topicNames = new ArrayList<>();
    if (request.target() == OffsetsResetRequest.Target.OFFSETS) {
      request.offsets().forEach(o -> addOnce(topicNames, o.partition().topic()));
    } else {
      request.topics().forEach(s -> addOnce(topicNames, s.topic()));
    }
    Map<String, CompletableFuture<TopicDescription>> topics = new LinkedHashMap<>();
    topicNames.forEach(t -> topics.put(t, client.topicMetadata(t).toCompletableFuture()));
    return allOf(topics.values())
        .thenApply(
            done -> {
              List<TopicPartition> partitions = new ArrayList<>();
              if (request.target() == OffsetsResetRequest.Target.OFFSETS) {
                for (OffsetsResetRequest.ExplicitOffset o : request.offsets()) {
                  TopicDescription topic = topics.get(o.partition().topic()).join();
                  partitions.add(checked(topic, o.partition().partition()));
                }
                return partitions;
              }
              for (OffsetsResetRequest.Scope scope : request.topics()) {
                TopicDescription topic = topics.get(scope.topic()).join();
                if (scope.partitions() == null) {
                  topic.partitions().forEach(p -> partitions.add(checked(topic, p.partition())));
                } else {
                  scope.partitions().forEach(p -> partitions.add(checked(topic, p)));
                }
              }
              return partitions;
            });
  }

  private static TopicPartition checked(TopicDescription topic, int partition) {
    V3Routes.partitionInfo(topic, partition);
    return new TopicPartition(topic.name(), partition);
  }

  /** The offset to commit for each partition, asked of the partitions' leaders concurrently. */
  private CompletionStage<List<GroupRequest.OffsetToCommit>> offsets(
      OffsetsResetRequest request, List<TopicPartition> partitions) {
    List<CompletableFuture<Long>> targets = new ArrayList<>();
    for (int i = 0; i < partitions.size(); i++) {
      targets.add(target(request, i, partitions.get(i)).toCompletableFuture());
    }
    return allOf(targets)
        .thenApply(
            done -> {
              List<GroupRequest.OffsetToCommit> offsets = new ArrayList<>();
              for (int i = 0; i < partitions.size(); i++) {
                TopicPartition tp = partitions.get(i);
                offsets.add(
                    new GroupRequest.OffsetToCommit(
                        tp.topic(), tp.partition(), targets.get(i).join(), -1, ""));
              }
              return offsets;
            });
  }

  private CompletionStage<Long> target(OffsetsResetRequest request, int index, TopicPartition tp) {
    CompletionStage<PartitionOffsets> range = client.offsets(tp.topic(), tp.partition());
    return switch (request.target()) {
      case EARLIEST -> range.thenApply(PartitionOffsets::logStartOffset);
      case LATEST -> range.thenApply(PartitionOffsets::highWatermark);
      case TIMESTAMP ->
          client
              .offsetForTime(tp.topic(), tp.partition(), request.timestamp())
              .thenCombine(range, (found, offsets) -> found < 0 ? offsets.highWatermark() : found);
      case OFFSETS ->
          range.thenApply(
              offsets -> within(index, tp, request.offsets().get(index).offset(), offsets));
    };
  }

  private static long within(int index, TopicPartition tp, long offset, PartitionOffsets log) {
    if (offset < log.logStartOffset() || offset > log.highWatermark()) {
      throw RestException.badRequest(
          "offsets[%d]: offset %d of partition %d of topic '%s' is outside its log: it must be"
              + " from the log start offset %d to the high watermark %d.",
          index, offset, tp.partition(), tp.topic(), log.logStartOffset(), log.highWatermark());
    }
    return offset;
  }

  private CompletionStage<ResetResult> commit(
      String group, List<GroupRequest.OffsetToCommit> offsets) {
    return groups
        .commitAsOutsider(group, offsets)
        .thenApply(
            reply -> {
              List<String> refusals = new ArrayList<>();
              boolean members = false;
              for (GroupRequest.PartitionOutcome outcome : reply.partitions()) {
                if (outcome.error() != null) {
                  members |=
                      outcome.error() == GroupError.UNKNOWN_MEMBER_ID
                          || outcome.error() == GroupError.STALE_MEMBER_EPOCH;
                  refusals.add(outcome.partition() + ": " + outcome.message());
                }
              }
              if (members) {
                throw GroupErrors.hasMembers(group, "offsets can be reset for", -1);
              }
              if (!refusals.isEmpty()) {
                throw new RestException(
                    StatusCodes.BAD_REQUEST,
                    RestException.KAFKA_BAD_REQUEST,
                    "The group coordinator refused the reset: " + String.join("; ", refusals));
              }
              List<ResetOffset> set =
                  offsets.stream()
                      .map(o -> new ResetOffset(o.topic(), o.partition(), o.offset()))
                      .sorted(
                          java.util.Comparator.comparing(ResetOffset::topic)
                              .thenComparingInt(ResetOffset::partition))
                      .toList();
              return new ResetResult(group, set);
            });
  }

  private static void addOnce(List<String> names, String name) {
    if (!names.contains(name)) {
      names.add(name);
    }
  }

  private static <T> CompletableFuture<Void> allOf(java.util.Collection<CompletableFuture<T>> all) {
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }
}
