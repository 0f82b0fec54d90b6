package sluice.actors.metadata;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This broker's one view of the cluster metadata (topics, their partitions, the broker
 * registrations): one subscriber to Distributed Data ({@link MetadataSubscriber}), one cache every
 * reader shares, and subscriptions narrowed to what a reader acts on. How the metadata is laid out
 * in Distributed Data is known here and in {@link MetadataSubscriber} only; readers see {@link
 * TopicMetadata}, {@link PartitionAssignment} and {@link BrokerRegistration}.
 *
 * <ul>
 *   <li><b>Reading:</b> {@link #current()} is the latest {@link MetadataSnapshot}, immutable, from
 *       any thread without waiting. It only moves forward: every source (the subscription, local
 *       and majority reads) gives the local replica's merged state, and they reach the subscriber
 *       in the order the replicator produced them.
 *   <li><b>Refreshing:</b> {@link #refresh} reads the local replica, or a majority of brokers (a
 *       topic the controller just wrote with WriteMajority may not have reached this broker yet),
 *       and makes the result current before the stage completes.
 *   <li><b>Subscribing:</b> a partition leader to its one partition ({@link #subscribe(PartitionId,
 *       ActorRef)}), a replica manager to the partitions of its broker ({@link
 *       #subscribeReplicas}), a watcher of everything to every change ({@link #subscribeAll}). Each
 *       is told the current state when it subscribes (once the topics were read) and then only of
 *       changes that concern it ({@link MetadataChanges}); a stopped subscriber is dropped.
 * </ul>
 *
 * <p>The controller keeps its own subscription: it is the writer. The broker starts the view first
 * ({@link #get}); anything that asks for it before then starts it. Thread-safe.
 */
public final class MetadataView implements Extension {

  /** The extension's id; {@code MetadataView.get(system)} is the usual way in. */
  public static final ExtensionId<MetadataView> ID = new Id();

  private static final String NAME = "sluice-metadata-view";

  /** How long a local read may take before the view counts as not answering. */
  private static final Duration LOCAL_READ_TIMEOUT = Duration.ofSeconds(5);

  /** What a majority read's ask waits beyond the read's own timeout (the replicator answers it). */
  private static final Duration ASK_MARGIN = Duration.ofSeconds(1);

  /**
   * Partition {@code partition} changed, or is told as it is on subscribing.
   *
   * @param topic its topic now, null if the topic is gone (deleted)
   * @param assignment the partition's assignment now, null if the topic or the partition is gone
   */
  public record PartitionChanged(
      PartitionId partition, TopicMetadata topic, PartitionAssignment assignment)
      implements NoSerializationVerificationNeeded {}

  /**
   * Partitions with a replica on broker {@code brokerId} (before or after the change) changed; on
   * subscribing, every partition with a replica there. Read them from {@code snapshot}.
   */
  public record ReplicasChanged(
      int brokerId, Set<PartitionId> partitions, MetadataSnapshot snapshot)
      implements NoSerializationVerificationNeeded {}

  /**
   * Something changed: {@code partitions} (on subscribing, every partition) and, if {@code
   * brokersChanged}, the registrations.
   */
  public record Changed(
      MetadataSnapshot snapshot, Set<PartitionId> partitions, boolean brokersChanged)
      implements NoSerializationVerificationNeeded {}

  /** A read from a majority of brokers failed (timed out); the view kept what it had. */
  public static final class MetadataUnavailableException extends RuntimeException {
    MetadataUnavailableException(String message) {
      super(message);
    }
  }

  private static final class Id extends ExtensionId<MetadataView> {
    @Override
    public MetadataView createExtension(ActorSystem<?> system) {
      return new MetadataView(system);
    }
  }

  /** The broker's view, started on first use. */
  public static MetadataView get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final ActorRef<MetadataSubscriber.Command> subscriber;
  private volatile MetadataSnapshot current = MetadataSnapshot.EMPTY;

  private MetadataView(ActorSystem<?> system) {
    this.system = system;
    this.subscriber = system.systemActorOf(MetadataSubscriber.create(this), NAME, Props.empty());
  }

  /** The latest snapshot. */
  public MetadataSnapshot current() {
    return current;
  }

  public Optional<TopicMetadata> topic(String name) {
    return current.topic(name);
  }

  public Optional<PartitionAssignment> partition(String topic, int partition) {
    return current.partition(topic, partition);
  }

  public Map<Integer, BrokerRegistration> brokers() {
    return current.brokers();
  }

  /** Reads the topics from this broker's replica; the stage has the snapshot they made current. */
  public CompletionStage<MetadataSnapshot> refreshLocal() {
    return refresh(null, LOCAL_READ_TIMEOUT);
  }

  /**
   * Reads the topics from a majority of brokers within {@code timeout}; the stage has the snapshot
   * they made current, or fails with {@link MetadataUnavailableException} if no majority answered.
   */
  public CompletionStage<MetadataSnapshot> refreshMajority(Duration timeout) {
    return refresh(timeout, timeout.plus(ASK_MARGIN));
  }

  private CompletionStage<MetadataSnapshot> refresh(Duration majorityTimeout, Duration askTimeout) {
    return AskPattern.<MetadataSubscriber.Command, MetadataSubscriber.ReadDone>ask(
            subscriber,
            replyTo -> new MetadataSubscriber.Refresh(majorityTimeout, replyTo),
            askTimeout,
            system.scheduler())
        .thenCompose(
            done ->
                done.failure() == null
                    ? CompletableFuture.completedFuture(done.snapshot())
                    : CompletableFuture.failedFuture(
                        new MetadataUnavailableException(done.failure())));
  }

  /**
   * Tells {@code subscriber} of every change of {@code partition} (and its topic's id, configs).
   */
  public void subscribe(PartitionId partition, ActorRef<PartitionChanged> subscriber) {
    this.subscriber.tell(new MetadataSubscriber.SubscribePartition(partition, subscriber));
  }

  /** Tells {@code subscriber} of every change of a partition with a replica on {@code brokerId}. */
  public void subscribeReplicas(int brokerId, ActorRef<ReplicasChanged> subscriber) {
    this.subscriber.tell(new MetadataSubscriber.SubscribeReplicas(brokerId, subscriber));
  }

  /** Tells {@code subscriber} of every change. */
  public void subscribeAll(ActorRef<Changed> subscriber) {
    this.subscriber.tell(new MetadataSubscriber.SubscribeAll(subscriber));
  }

  /** Stops telling {@code subscriber} anything (a stopped subscriber is dropped anyway). */
  public void unsubscribe(ActorRef<?> subscriber) {
    this.subscriber.tell(new MetadataSubscriber.Unsubscribe(subscriber));
  }

  /** Called by the subscriber only, before it tells anyone of the change. */
  void publish(MetadataSnapshot snapshot) {
    current = snapshot;
  }
}
