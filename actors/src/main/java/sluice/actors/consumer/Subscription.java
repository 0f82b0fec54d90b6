package sluice.actors.consumer;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import sluice.actors.group.state.TopicPartition;

/**
 * What an instance reads: nothing, a topic list or a pattern (group membership: the coordinator
 * assigns partitions), or partitions assigned by hand (no membership). Kafka's rule, which the REST
 * Proxy inherits: a new subscription of the same kind replaces the old one; switching kinds needs
 * an unsubscribe first.
 */
public sealed interface Subscription {

  /** A kind's name for messages. */
  String kind();

  record None() implements Subscription {
    @Override
    public String kind() {
      return "none";
    }
  }

  record TopicList(List<String> topics) implements Subscription {
    public TopicList {
      topics = List.copyOf(new TreeSet<>(topics));
    }

    @Override
    public String kind() {
      return "topics";
    }
  }

  /** A regex matched in full against topic names by the coordinator. */
  record Pattern(String regex) implements Subscription {
    @Override
    public String kind() {
      return "topic_pattern";
    }
  }

  record Manual(SortedSet<TopicPartition> partitions) implements Subscription {
    public Manual(Set<TopicPartition> partitions) {
      this(new TreeSet<>(partitions));
    }

    @Override
    public String kind() {
      return "assignments";
    }
  }

  /** Whether {@code next} may replace this subscription: none, or the same kind. */
  default boolean canBeReplacedBy(Subscription next) {
    return this instanceof None || getClass() == next.getClass();
  }
}
