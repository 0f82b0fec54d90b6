package sluice.actors.consumer;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.metadata.MetadataSnapshot;
import sluice.actors.metadata.TopicMetadata;

/** An instance's {@link Subscription} as its durable record holds it, and back. */
final class RecordSubscriptions {
  private RecordSubscriptions() {}

  /** The subscription {@code stored} holds. */
  static Subscription of(StoredInstance stored) {
    if (stored.topics() != null) {
      return new Subscription.TopicList(stored.topics());
    } else if (stored.topicPattern() != null) {
      return new Subscription.Pattern(stored.topicPattern());
    } else if (stored.assigned() != null) {
      return new Subscription.Manual(Set.copyOf(stored.assigned()));
    }
    return new Subscription.None();
  }

  /** {@code record} holding {@code subscription} instead of its own. */
  static StoredInstance with(StoredInstance record, Subscription subscription) {
    return record.withSubscription(
        subscription instanceof Subscription.TopicList t ? t.topics() : null,
        subscription instanceof Subscription.Pattern p ? p.regex() : null,
        subscription instanceof Subscription.Manual m ? List.copyOf(m.partitions()) : null);
  }

  /**
   * The topics of {@code subscription}: by name, or those of {@code metadata} the pattern matches
   * (internal topics never), as Kafka's consumer reports them; none for a manual assignment.
   */
  static List<String> topics(Subscription subscription, MetadataSnapshot metadata) {
    if (subscription instanceof Subscription.TopicList t) {
      return t.topics();
    }
    if (subscription instanceof Subscription.Pattern p) {
      Pattern regex = Pattern.compile(p.regex());
      return metadata.topics().values().stream()
          .filter(t -> !t.internal() && regex.matcher(t.name()).matches())
          .map(TopicMetadata::name)
          .sorted()
          .toList();
    }
    return List.of();
  }
}
