package sluice.actors.consumer;

import java.util.Map;
import java.util.Set;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.OffsetCommitRequest;
import sluice.actors.group.state.TopicPartition;

/**
 * What a {@link ConsumerInstance} asks its driver (the instance entity) to do. Each is answered
 * through the instance's input of the same name: a heartbeat by {@code heartbeatAnswered}, a commit
 * by {@code commitAnswered} with its {@code id}, committed offsets by {@code committedFetched}, an
 * offset lookup by {@code offsetsListed}, a fetch by {@code recordsFetched}.
 */
public sealed interface Effect {

  /** Send this heartbeat to the group's coordinator. A leave (epoch -1) needs no answer. */
  record Heartbeat(HeartbeatRequest request) implements Effect {}

  /**
   * Send this offset commit to the coordinator; answer it with {@code commitAnswered(id, ...)} or
   * {@code commitFailed(id)}.
   */
  record Commit(long id, OffsetCommitRequest request) implements Effect {}

  /** Fetch the group's committed offsets of these partitions. */
  record FetchCommitted(Set<TopicPartition> partitions) implements Effect {}

  /** Look up the log start ({@code EARLIEST}) or the high watermark ({@code LATEST}) offsets. */
  record ListOffsets(Map<TopicPartition, OffsetReset> partitions) implements Effect {}

  /** Fetch records of one partition from {@code offset}, at most {@code maxBytes}. */
  record Fetch(TopicPartition partition, long offset, int maxBytes) implements Effect {}
}
