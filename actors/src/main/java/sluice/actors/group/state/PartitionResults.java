package sluice.actors.group.state;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The answer to a request about several partitions (commit, delete offsets): every partition of the
 * request is either accepted or refused. Sorted.
 */
public record PartitionResults(
    SortedSet<TopicPartition> accepted, SortedMap<TopicPartition, Refusal> refused) {

  public PartitionResults(Set<TopicPartition> accepted, Map<TopicPartition, Refusal> refused) {
    this(new TreeSet<>(accepted), new TreeMap<>(refused));
  }

  /** The error of a partition, or null if it was accepted. */
  public GroupError errorOf(TopicPartition tp) {
    Refusal refusal = refused.get(tp);
    return refusal == null ? null : refusal.error();
  }
}
