package sluice.actors.group.state;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import sluice.actors.group.assign.SubscribedTopic;

/**
 * The cluster's topics as the coordinator sees them when it decides: name to id and partition
 * count. An input of every decision that may change a group's epoch, never stored: what the group
 * epoch was computed for is the subscription metadata record. Immutable.
 */
public record Topics(Map<String, SubscribedTopic> byName) {

  public Topics {
    byName = Map.copyOf(byName);
    byName.forEach(
        (name, topic) -> {
          if (!name.equals(topic.name())) {
            throw new IllegalArgumentException("topic " + topic.name() + " listed as " + name);
          }
        });
  }

  public static Topics of(Collection<SubscribedTopic> topics) {
    Map<String, SubscribedTopic> map = new TreeMap<>();
    topics.forEach(t -> map.put(t.name(), t));
    return new Topics(map);
  }

  public static Topics of(SubscribedTopic... topics) {
    return of(java.util.List.of(topics));
  }

  public Optional<SubscribedTopic> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The same topics with {@code topic} added or replacing its namesake. */
  public Topics with(SubscribedTopic topic) {
    Map<String, SubscribedTopic> map = new TreeMap<>(byName);
    map.put(topic.name(), topic);
    return new Topics(map);
  }
}
