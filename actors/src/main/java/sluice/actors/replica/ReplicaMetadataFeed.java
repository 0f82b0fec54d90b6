package sluice.actors.replica;

import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import sluice.actors.lease.WriteLease;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionId;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.replica.ReplicaManager.DeletedTopicsChanged;
import sluice.actors.replica.ReplicaManager.TopicsChanged;

/**
 * <b>The replica manager's subscriptions to the cluster metadata</b>: to the broker's {@link
 * MetadataView} for the partitions with a replica on this broker (told as {@link TopicsChanged}:
 * the snapshot's topics and the partitions that changed, all of them on subscribing), and to the
 * controller's record of deleted topics ({@link DeletedTopicsKey}, which the view does not carry;
 * told as {@link DeletedTopicsChanged}, by topic id).
 *
 * <p>Not thread-safe: created in the manager's actor, whose context it uses.
 */
final class ReplicaMetadataFeed {
  private ReplicaMetadataFeed() {}

  /** Subscribes the manager of broker {@code brokerId}, whose context is {@code context}. */
  static void subscribe(ActorContext<WriteLease.GranterMessage> context, int brokerId) {
    MetadataView.get(context.getSystem())
        .subscribeReplicas(
            brokerId,
            context.messageAdapter(
                MetadataView.ReplicasChanged.class,
                changed ->
                    new TopicsChanged(
                        changed.snapshot().topics(), entityIds(changed.partitions()))));
    ReplicatorMessageAdapter<WriteLease.GranterMessage, LWWMap<String, DeletedTopic>> deleted =
        new ReplicatorMessageAdapter<>(
            context, DistributedData.get(context.getSystem()).replicator(), Duration.ofSeconds(5));
    deleted.subscribe(
        DeletedTopicsKey.KEY,
        response ->
            response instanceof Replicator.Changed<LWWMap<String, DeletedTopic>> changed
                ? new DeletedTopicsChanged(changed.dataValue().getEntries())
                : new DeletedTopicsChanged(null));
  }

  private static Set<String> entityIds(Set<PartitionId> partitions) {
    Set<String> ids = new HashSet<>();
    partitions.forEach(id -> ids.add(PartitionLeader.entityId(id.topic(), id.partition())));
    return ids;
  }
}
