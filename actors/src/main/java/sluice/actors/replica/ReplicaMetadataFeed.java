package sluice.actors.replica;

import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Duration;
import sluice.actors.lease.WriteLease;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;
import sluice.actors.replica.ReplicaManager.DeletedTopicsChanged;
import sluice.actors.replica.ReplicaManager.TopicsChanged;

/**
 * <b>The replica manager's only subscription to the cluster metadata</b>, kept in this one place so
 * that it can be swapped for the broker's shared metadata view: reads the topic metadata ({@link
 * TopicsKey}) from the local Distributed Data replica once, then subscribes to it and to the
 * deleted topics ({@link DeletedTopicsKey}), and hands every value to the manager as {@link
 * TopicsChanged} (the whole map, by topic name) and {@link DeletedTopicsChanged} (by topic id).
 *
 * <p>Not thread-safe: created in the manager's actor, whose context it uses.
 */
final class ReplicaMetadataFeed {
  private ReplicaMetadataFeed() {}

  /** Subscribes the manager whose context is {@code context}. */
  static void subscribe(ActorContext<WriteLease.GranterMessage> context) {
    var ddata = DistributedData.get(context.getSystem()).replicator();
    ReplicatorMessageAdapter<WriteLease.GranterMessage, LWWMap<String, TopicMetadata>> topics =
        new ReplicatorMessageAdapter<>(context, ddata, Duration.ofSeconds(5));
    ReplicatorMessageAdapter<WriteLease.GranterMessage, LWWMap<String, DeletedTopic>> deleted =
        new ReplicatorMessageAdapter<>(context, ddata, Duration.ofSeconds(5));
    topics.askGet(
        replyTo -> new Replicator.Get<>(TopicsKey.KEY, Replicator.readLocal(), replyTo),
        response ->
            response instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> found
                ? new TopicsChanged(found.dataValue().getEntries())
                : new TopicsChanged(null));
    // One function for both keys: an actor's message adapters are registered by class, and both
    // subscriptions answer Replicator.SubscribeResponse.
    topics.subscribe(TopicsKey.KEY, ReplicaMetadataFeed::changed);
    deleted.subscribe(DeletedTopicsKey.KEY, ReplicaMetadataFeed::changed);
  }

  @SuppressWarnings("unchecked")
  private static WriteLease.GranterMessage changed(Replicator.SubscribeResponse<?> response) {
    if (!(response instanceof Replicator.Changed<?> changed)) {
      return new TopicsChanged(null);
    }
    if (changed.key().equals(DeletedTopicsKey.KEY)) {
      return new DeletedTopicsChanged(
          ((LWWMap<String, DeletedTopic>) changed.dataValue()).getEntries());
    }
    if (changed.key().equals(TopicsKey.KEY)) {
      return new TopicsChanged(((LWWMap<String, TopicMetadata>) changed.dataValue()).getEntries());
    }
    return new TopicsChanged(null);
  }
}
