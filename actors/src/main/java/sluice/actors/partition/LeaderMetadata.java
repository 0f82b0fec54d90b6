package sluice.actors.partition;

import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Duration;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;
import sluice.actors.partition.PartitionLeader.Internal;
import sluice.actors.partition.PartitionLeader.Message;

/**
 * The one place a partition leader reads its topic's metadata: from Distributed Data's whole {@code
 * sluice-topics} map, once at start ({@link #read}) and by subscription while leading ({@link
 * #subscribe}), each answered to the leader as an {@link Internal} message. Swap this class for the
 * broker's metadata view (issue 8, section 1) and the leader wakes only for its own topic.
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

  private final ReplicatorMessageAdapter<Message, LWWMap<String, TopicMetadata>> replicator;
  private final Duration readTimeout;
  private final String topic;
  private final int partition;

  LeaderMetadata(ActorContext<Message> context, Duration readTimeout, String topic, int partition) {
    this.replicator =
        new ReplicatorMessageAdapter<>(
            context,
            DistributedData.get(context.getSystem()).replicator(),
            readTimeout.multipliedBy(2));
    this.readTimeout = readTimeout;
    this.topic = topic;
    this.partition = partition;
  }

  /**
   * Reads the topic: locally first ({@code majority} false), then from a majority. A local read
   * that lacks the partition counts as missing: a partition added a moment ago may not have reached
   * this replica yet.
   */
  void read(boolean majority) {
    Replicator.ReadConsistency consistency =
        majority ? new Replicator.ReadMajority(readTimeout) : Replicator.readLocal();
    replicator.askGet(
        replyTo -> new Replicator.Get<>(TopicsKey.KEY, consistency, replyTo),
        response -> {
          if (response instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> found) {
            TopicMetadata metadata = found.dataValue().getEntries().get(topic);
            boolean missing =
                metadata == null || (!majority && metadata.partition(partition).isEmpty());
            return missing ? new MetadataMissing(majority) : new MetadataFound(metadata);
          } else if (response instanceof Replicator.GetFailure) {
            return new MetadataUnavailable(
                "reading the topic metadata from a majority timed out after "
                    + readTimeout.toMillis()
                    + " ms");
          } else {
            return new MetadataMissing(majority);
          }
        });
  }

  /** Tells the leader every change of its topic's metadata, as {@link MetadataChanged}. */
  void subscribe() {
    replicator.subscribe(
        TopicsKey.KEY,
        change ->
            change instanceof Replicator.Changed<LWWMap<String, TopicMetadata>> changed
                ? new MetadataChanged(changed.get(TopicsKey.KEY).getEntries().get(topic))
                : new MetadataChanged(null));
  }
}
