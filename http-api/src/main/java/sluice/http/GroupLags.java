package sluice.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupDescription.MemberDescription;
import sluice.actors.group.state.TopicPartition;

/**
 * A group's lag, computed as the REST Proxy computes it: for every partition with a committed
 * offset whose high watermark is known, {@code lag = max(0, high watermark - committed)}, owned by
 * the member whose current assignment holds the partition (or nobody). Pure; the caller asks the
 * partitions' leaders for their high watermarks.
 */
final class GroupLags {
  private GroupLags() {}

  /** Who owns a partition: {@link #NOBODY} (empty ids, as the REST Proxy) when no member does. */
  record Owner(String consumerId, String instanceId, String clientId) {
    static final Owner NOBODY = new Owner("", null, "");

    boolean isNobody() {
      return consumerId.isEmpty();
    }
  }

  record PartitionLag(
      String topic, int partition, long currentOffset, long logEndOffset, Owner owner) {
    long lag() {
      return Math.max(0, logEndOffset - currentOffset);
    }
  }

  /** The partition with the most lag (the first by topic and partition on a tie) and the sum. */
  record Summary(PartitionLag max, long totalLag) {}

  /** By lag, largest first, then topic and partition: the REST Proxy's order. */
  static final Comparator<PartitionLag> ORDER =
      Comparator.comparingLong(PartitionLag::lag)
          .reversed()
          .thenComparing(PartitionLag::topic)
          .thenComparingInt(PartitionLag::partition);

  /**
   * The members' current assignments by partition, topics named through the group's {@code
   * topicNames}; a topic id the group no longer names (its topic was deleted) is left out.
   */
  static Map<TopicPartition, MemberDescription> owners(GroupRequest.DescribedGroup group) {
    Map<TopicPartition, MemberDescription> owners = new TreeMap<>();
    for (MemberDescription member : group.members()) {
      for (TopicPartition tp : assignment(group, member)) {
        owners.put(tp, member);
      }
    }
    return owners;
  }

  /** The member's current assignment, by topic name and partition. */
  static List<TopicPartition> assignment(
      GroupRequest.DescribedGroup group, MemberDescription member) {
    List<TopicPartition> partitions = new ArrayList<>();
    if (member.assignment() != null) {
      member
          .assignment()
          .forEach(
              (topicId, ps) -> {
                String name = group.topicNames().get(topicId);
                if (name != null) {
                  ps.forEach(p -> partitions.add(new TopicPartition(name, p)));
                }
              });
    }
    partitions.sort(Comparator.naturalOrder());
    return partitions;
  }

  static Owner owner(MemberDescription member) {
    return member == null
        ? Owner.NOBODY
        : new Owner(
            member.memberId(),
            member.instanceId(),
            member.clientId() == null ? "" : member.clientId());
  }

  /**
   * The lag of every committed partition whose high watermark is in {@code highWatermarks}, in
   * {@link #ORDER}; partitions without one are left out.
   */
  static List<PartitionLag> lags(
      GroupRequest.DescribedGroup group, Map<TopicPartition, Long> highWatermarks) {
    Map<TopicPartition, MemberDescription> owners = owners(group);
    List<PartitionLag> lags = new ArrayList<>();
    for (GroupRequest.CommittedOffset committed : group.offsets()) {
      TopicPartition tp = new TopicPartition(committed.topic(), committed.partition());
      Long highWatermark = highWatermarks.get(tp);
      if (highWatermark != null) {
        lags.add(
            new PartitionLag(
                tp.topic(),
                tp.partition(),
                committed.offset(),
                highWatermark,
                owner(owners.get(tp))));
      }
    }
    lags.sort(ORDER);
    return lags;
  }

  /** The summary of {@code lags} (in {@link #ORDER}), empty when there are none. */
  static Optional<Summary> summary(List<PartitionLag> lags) {
    if (lags.isEmpty()) {
      return Optional.empty();
    }
    long total = lags.stream().mapToLong(PartitionLag::lag).sum();
    return Optional.of(new Summary(lags.get(0), total));
  }
}
