package sluice.actors.partition;

import akka.actor.typed.javadsl.ActorContext;
import java.time.Duration;
import java.util.Optional;
import sluice.actors.metadata.MetadataSnapshot;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionId;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader.Internal;
import sluice.actors.partition.PartitionLeader.Message;

/**
 * The one place a partition leader reads its topic's metadata: from the broker's {@link
 * MetadataView}, once at start ({@link #read}) and by a subscription to its own partition while
 * leading ({@link #subscribe}), so that it wakes only when its partition or its topic's id or
 * configs change, never for the rest of the cluster. Each answer reaches the leader as an {@link
 * Internal} message.
 *
 * <p>Not thread-safe: used on the leader's thread only.
 */
final class LeaderMetadata {

  /** The topic as read at start. */
  record MetadataFound(TopicMetadata topic) implements Internal {}

  /** The topic, or the partition in a local read, is not there. */
  record MetadataMissing(boolean afterMajorityRead) implements Internal {}

  record MetadataUnavailable(String reason) implements Internal {}

  /** The topic's metadata changed; {@code topic} is null if the topic is gone. */
  record MetadataChanged(TopicMetadata topic) implements Internal {}

  private final ActorContext<Message> context;
  private final MetadataView view;
  private final Duration readTimeout;
  private final PartitionId partition;

  LeaderMetadata(ActorContext<Message> context, Duration readTimeout, String topic, int partition) {
    this.context = context;
    this.view = MetadataView.get(context.getSystem());
    this.readTimeout = readTimeout;
    this.partition = new PartitionId(topic, partition);
  }

  /**
   * Reads the topic: from this broker's replica first ({@code majority} false), then from a
   * majority. A local read that lacks the partition counts as missing: a partition added a moment
   * ago may not have reached this replica yet.
   */
  void read(boolean majority) {
    var read = majority ? view.refreshMajority(readTimeout) : view.refreshLocal();
    context.pipeToSelf(
        read,
        (snapshot, failure) -> {
          if (failure != null) {
            return majority
                ? new MetadataUnavailable(
                    "reading the topic metadata from a majority timed out after "
                        + readTimeout.toMillis()
                        + " ms")
                : new MetadataMissing(false);
          }
          return found(snapshot, majority)
              .<Internal>map(MetadataFound::new)
              .orElseGet(() -> new MetadataMissing(majority));
        });
  }

  private Optional<TopicMetadata> found(MetadataSnapshot snapshot, boolean majority) {
    Optional<TopicMetadata> topic = snapshot.topic(partition.topic());
    if (!majority && topic.isPresent() && topic.get().partition(partition.partition()).isEmpty()) {
      return Optional.empty();
    }
    return topic;
  }

  /**
   * Tells the leader every change of its partition or its topic (id, configs), as {@link
   * MetadataChanged}.
   */
  void subscribe() {
    view.subscribe(
        partition,
        context.messageAdapter(
            MetadataView.PartitionChanged.class, changed -> new MetadataChanged(changed.topic())));
  }
}
