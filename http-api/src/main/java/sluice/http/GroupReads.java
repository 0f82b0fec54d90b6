package sluice.http;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.state.GroupDescription.MemberDescription;
import sluice.actors.group.state.TopicPartition;

/**
 * What the consumer-group resources ({@link V3GroupRoutes}) read before they answer: the group
 * (once the cluster id is checked), a member, the group's lags (committed offsets and the high
 * watermarks of their partitions, asked of the leaders concurrently) and the groups' coordinators.
 * Failures are {@link RestException}s as failed stages. Thread-safe.
 */
final class GroupReads {
  private static final String OFFSETS_TOPIC = "__consumer_offsets";

  private final GatewayClient client;
  private final GroupClient groups;

  GroupReads(GatewayClient client, GroupClient groups) {
    this.client = client;
    this.groups = groups;
  }

  /**
   * The group's lags: every committed partition whose leader gave its high watermark within {@link
   * V3Routes#LEADER_OFFSETS_WAIT} (the others are left out, as the REST Proxy leaves out a
   * partition without a latest offset); 404 when there is none, as the REST Proxy answers.
   */
  CompletionStage<List<GroupLags.PartitionLag>> lags(String clusterId, String group) {
    return existing(clusterId, group)
        .thenCompose(
            g -> {
              Map<TopicPartition, CompletableFuture<Long>> asks = new HashMap<>();
              for (GroupRequest.CommittedOffset o : g.offsets()) {
                asks.put(
                    new TopicPartition(o.topic(), o.partition()),
                    client
                        .offsets(o.topic(), o.partition(), V3Routes.LEADER_OFFSETS_WAIT)
                        .handle(
                            (offsets, failure) -> failure == null ? offsets.highWatermark() : null)
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new))
                  .thenApply(
                      done -> {
                        Map<TopicPartition, Long> highWatermarks = new HashMap<>();
                        asks.forEach(
                            (tp, ask) -> {
                              if (ask.join() != null) {
                                highWatermarks.put(tp, ask.join());
                              }
                            });
                        List<GroupLags.PartitionLag> lags = GroupLags.lags(g, highWatermarks);
                        if (lags.isEmpty()) {
                          throw RestException.notFound(
                              "Consumer lags not found: group '%s' has %s.",
                              Params.abbreviate(group),
                              g.offsets().isEmpty()
                                  ? "no committed offsets"
                                  : "no committed partition whose high watermark could be read");
                        }
                        return lags;
                      });
            });
  }

  /** The group, once the cluster id is checked; 404 / 40405 if it does not exist. */
  CompletionStage<GroupRequest.DescribedGroup> existing(String clusterId, String group) {
    return client.checkClusterId(clusterId).thenCompose(id -> groups.describeExisting(group));
  }

  CompletionStage<MemberDescription> member(String clusterId, String group, String consumer) {
    return existing(clusterId, group).thenApply(g -> member(g, consumer));
  }

  static MemberDescription member(GroupRequest.DescribedGroup group, String consumer) {
    return group.members().stream()
        .filter(m -> m.memberId().equals(consumer))
        .findFirst()
        .orElseThrow(
            () ->
                RestException.notFound(
                    "Consumer '%s' not found in consumer group '%s'.",
                    Params.abbreviate(consumer), Params.abbreviate(group.groupId())));
  }

  /** Who leads each {@code __consumer_offsets} partition: the groups' coordinators. */
  record Coordinators(TopicDescription offsetsTopic) {
    static final Coordinators UNKNOWN = new Coordinators(null);

    /** The coordinator's broker id, or -1 if not known. */
    int leaderFor(String group) {
      if (offsetsTopic == null || offsetsTopic.partitions().isEmpty()) {
        return -1;
      }
      int partition = OffsetsTopic.partitionFor(group, offsetsTopic.partitions().size());
      return offsetsTopic.partitions().stream()
          .filter(p -> p.partition() == partition)
          .mapToInt(PartitionInfo::leader)
          .findFirst()
          .orElse(-1);
    }
  }

  /**
   * The leaders of {@code __consumer_offsets} from the broker's metadata view (cached as any topic
   * for produce and consume); unknown when the view cannot say, which leaves {@code coordinator}
   * null rather than failing the answer.
   */
  CompletableFuture<Coordinators> coordinators() {
    return client
        .topicMetadata(OFFSETS_TOPIC)
        .handle(
            (topic, failure) -> failure == null ? new Coordinators(topic) : Coordinators.UNKNOWN)
        .toCompletableFuture();
  }
}
