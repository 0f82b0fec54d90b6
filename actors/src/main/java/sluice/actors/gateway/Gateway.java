package sluice.actors.gateway;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.ServiceKey;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.controller.Controller;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.producer.ProducerIdManager;

/**
 * The front door every front door uses (HTTP now, the Java client later): one per broker,
 * registered with the Receptionist under {@link #SERVICE_KEY}. The actor ({@link GatewayActor})
 * keeps the message table and the metadata check; each job is elsewhere:
 *
 * <ul>
 *   <li>topic administration ({@link Admin}, the {@link AdminRequest}s the controller also takes)
 *       is forwarded to the {@link Controller} by {@link TopicAdmin};
 *   <li>partition requests ({@link PartitionRequest}: produce, a client's own batch, fetch of
 *       records or of whole batches, offsets) are checked against the broker's {@link MetadataView}
 *       by the {@link MetadataRefresh} rule (a topic or partition missing from the view is read
 *       again locally, then from a majority, before it is refused, so a topic created a moment ago
 *       through another broker is seen at once), then routed by {@link PartitionRouting} to the
 *       partition leaders ({@link PartitionLeaders}), whose leadership errors {@link LeaderRetry}
 *       retries within the request's time;
 *   <li>the cluster description is made from the view's registrations ({@link
 *       ClusterDescriptions});
 *   <li>producer ids ({@link InitProducerId}) come from the broker's {@link ProducerIdManager}.
 * </ul>
 *
 * <p>Building batches, asking leaders and decoding fetched batches run on the dispatcher, and
 * replies go straight to {@code replyTo} from there, so the actor only checks and routes.
 */
public final class Gateway {
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "sluice-gateway");

  public sealed interface Command extends CborSerializable {}

  /**
   * Topic and cluster administration ({@link AdminRequest}): topic requests are forwarded to the
   * controller by {@link TopicAdmin}, the cluster is described from this broker's view.
   */
  public record Admin(AdminRequest<?> request) implements Command {}

  /** A request served by partition leaders, once its topic is known. */
  public sealed interface PartitionRequest extends Command {
    String topic();

    /** The highest partition the request names, {@link MetadataRefresh#NO_PARTITION} if none. */
    int highestPartition();

    /** Answers the request with {@code error}. */
    void refuse(ApiError error);
  }

  /**
   * Produce {@code records}; with {@code idempotent}, as an idempotent producer's request: every
   * record names a partition {@code idempotent} gives a first sequence, and a resend of the same
   * request is stored once (see {@link IdempotentProduce}).
   */
  public record Produce(
      String topic,
      List<ProduceRecord> records,
      Acks acks,
      long timeoutMs,
      IdempotentProduce idempotent,
      ActorRef<ProduceReply> replyTo)
      implements PartitionRequest {

    /** A plain (not idempotent) produce request. */
    public Produce(
        String topic,
        List<ProduceRecord> records,
        Acks acks,
        long timeoutMs,
        ActorRef<ProduceReply> replyTo) {
      this(topic, records, acks, timeoutMs, null, replyTo);
    }

    @Override
    public int highestPartition() {
      int highest = MetadataRefresh.NO_PARTITION;
      for (ProduceRecord record : records == null ? List.<ProduceRecord>of() : records) {
        if (record != null && record.partition() != null) {
          highest = Math.max(highest, record.partition());
        }
      }
      return highest;
    }

    @Override
    public void refuse(ApiError error) {
      int size = records == null ? 0 : records.size();
      replyTo.tell(PartitionCalls.produceError(size, topic, error));
    }
  }

  /** One result per record, in request order. */
  public record ProduceReply(List<RecordResult> results) implements CborSerializable {}

  /**
   * Appends a client's own record batch to one partition, as it is: the Kafka-protocol front door's
   * produce, one per partition of the request. The batch keeps the producer id, epoch and sequence
   * its client stamped (the gateway's own sequencer never renumbers it), so the partition leader's
   * idempotence checks answer a resend with the first offsets, or refuse it ({@code
   * OUT_OF_ORDER_SEQUENCE_NUMBER}, {@code INVALID_PRODUCER_EPOCH}). A batch that is not exactly one
   * v2 batch starting at offset 0 ({@link ClientBatches}), or fails the leader's checks, is refused
   * and nothing is written. Leadership moves are retried within {@code timeoutMs}.
   */
  public record AppendBatch(
      String topic,
      int partition,
      byte[] batch,
      Acks acks,
      long timeoutMs,
      ActorRef<AppendBatchReply> replyTo)
      implements PartitionRequest {
    @Override
    public int highestPartition() {
      return partition;
    }

    @Override
    public void refuse(ApiError error) {
      replyTo.tell(AppendBatchReply.failed(error));
    }
  }

  /**
   * @param baseOffset the offset of the batch's first record; -1 on error or with acks=0
   * @param logAppendTime the broker's timestamp for the batch, -1 for CreateTime topics
   * @param error null on success
   */
  public record AppendBatchReply(long baseOffset, long logAppendTime, ApiError error)
      implements CborSerializable {
    public static AppendBatchReply failed(ApiError error) {
      return new AppendBatchReply(-1L, -1L, error);
    }
  }

  public record Fetch(
      String topic,
      int partition,
      long offset,
      int maxBytes,
      long maxWaitMs,
      ActorRef<FetchReply> replyTo)
      implements PartitionRequest {
    @Override
    public int highestPartition() {
      return partition;
    }

    @Override
    public void refuse(ApiError error) {
      replyTo.tell(new FetchReply(List.of(), null, error));
    }
  }

  public record FetchReply(List<ConsumedRecord> records, PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  /**
   * Whole stored v2 batches of one partition from {@code offset}, unchanged (the Kafka-protocol
   * fetch; {@link Fetch} decodes them instead): up to {@code maxBytes} below the high watermark, or
   * one larger first batch, waiting up to {@code maxWaitMs} while there is none. A {@code topicId}
   * (null: not checked) other than the topic's is refused {@code UNKNOWN_TOPIC_ID}; a {@code
   * currentLeaderEpoch} (-1: not checked) older or newer than the leader's {@code
   * FENCED_LEADER_EPOCH} or {@code UNKNOWN_LEADER_EPOCH}.
   */
  public record FetchBatches(
      String topic,
      String topicId,
      int partition,
      int currentLeaderEpoch,
      long offset,
      int maxBytes,
      long maxWaitMs,
      ActorRef<FetchBatchesReply> replyTo)
      implements PartitionRequest {
    @Override
    public int highestPartition() {
      return partition;
    }

    @Override
    public void refuse(ApiError error) {
      replyTo.tell(FetchBatchesReply.failed(error));
    }
  }

  /**
   * @param batches concatenated whole batches, possibly empty; empty on error, never null
   * @param offsets the partition's offsets when the leader answered; null on error
   */
  public record FetchBatchesReply(byte[] batches, PartitionOffsets offsets, ApiError error)
      implements CborSerializable {
    public static FetchBatchesReply failed(ApiError error) {
      return new FetchBatchesReply(new byte[0], null, error);
    }
  }

  public record GetOffsets(String topic, int partition, ActorRef<OffsetsReply> replyTo)
      implements PartitionRequest {
    @Override
    public int highestPartition() {
      return partition;
    }

    @Override
    public void refuse(ApiError error) {
      replyTo.tell(new OffsetsReply(null, error));
    }
  }

  public record OffsetsReply(PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  public record OffsetForTime(
      String topic, int partition, long timestamp, ActorRef<OffsetForTimeReply> replyTo)
      implements PartitionRequest {
    @Override
    public int highestPartition() {
      return partition;
    }

    @Override
    public void refuse(ApiError error) {
      replyTo.tell(new OffsetForTimeReply(-1L, error));
    }
  }

  public record OffsetForTimeReply(long offset, ApiError error) implements CborSerializable {}

  /**
   * Where leader epoch {@code leaderEpoch} ends in the partition leader's log (Kafka's
   * OffsetForLeaderEpoch, see {@code PartitionLeader.EpochEnd}); {@code currentLeaderEpoch} -1 for
   * no check. Leadership moves are retried.
   */
  public record EpochEnd(
      String topic,
      int partition,
      int currentLeaderEpoch,
      int leaderEpoch,
      ActorRef<EpochEndReply> replyTo)
      implements PartitionRequest {
    @Override
    public int highestPartition() {
      return partition;
    }

    @Override
    public void refuse(ApiError error) {
      replyTo.tell(new EpochEndReply(-1, -1L, error));
    }
  }

  /**
   * @param leaderEpoch the largest epoch at or below the one asked, -1 if none or on error
   * @param endOffset where it ends, -1 if none or on error
   */
  public record EpochEndReply(int leaderEpoch, long endOffset, ApiError error)
      implements CborSerializable {}

  /**
   * The topic as this broker's metadata view holds it, for a front door that checks a request
   * before sending it: read again locally, then from a majority, when the view lacks the topic or
   * the partition {@code highestPartition} ({@link MetadataRefresh}), never asked of the
   * controller, so it is answered while the controller is moving or waits for a quorum. An unknown
   * topic is answered {@code UNKNOWN_TOPIC_OR_PARTITION}.
   */
  public record TopicInView(
      String topic, int highestPartition, ActorRef<AdminRequest.TopicReply> replyTo)
      implements PartitionRequest {
    @Override
    public void refuse(ApiError error) {
      replyTo.tell(new AdminRequest.TopicReply(null, error));
    }
  }

  /**
   * A producer asks for its producer id and epoch (Kafka's InitProducerId without a transactional
   * id), answered by this broker's {@link ProducerIdManager}: without a current producer ({@code
   * null} or -1 for both) a new id with epoch 0, a new one every time; with its current id and
   * epoch the same id with the next epoch (KIP-360), or a new id once the epoch is exhausted. An id
   * never allocated, or only one of the two, is refused {@code INVALID_REQUEST}. While the broker
   * waits for a block of ids it answers within {@code timeoutMs}, retriably.
   */
  public record InitProducerId(
      Long producerId, Short producerEpoch, long timeoutMs, ActorRef<InitProducerIdReply> replyTo)
      implements Command {}

  /** Settings under {@code sluice.gateway}. */
  public record Settings(
      Duration adminTimeout,
      Duration retryBackoff,
      Duration retryMaxBackoff,
      Duration leaderAskMargin,
      Duration metadataReadTimeout) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.gateway");
      return new Settings(
          c.getDuration("admin-timeout"),
          c.getDuration("retry-backoff"),
          c.getDuration("retry-max-backoff"),
          c.getDuration("leader-ask-margin"),
          c.getDuration("metadata-read-timeout"));
    }
  }

  /**
   * What a gateway is built from.
   *
   * @param clock the broker's clock: record timestamps, retry deadlines
   * @param pauses how retries wait (null: on the actor's dispatcher)
   * @param random the sticky partitioner's randomness
   * @param producerIds this broker's producer id manager
   */
  public record Wiring(
      Settings settings,
      ActorRef<Controller.Command> controller,
      ActorRef<ProducerIdManager.Command> producerIds,
      PartitionLeaders leaders,
      String clusterId,
      Clock clock,
      Pauses pauses,
      Random random) {}

  /**
   * The view was read again for {@code request} ({@code majority}: from a majority, the last read);
   * {@code serve} serves it once its topic is known.
   */
  record Refreshed(PartitionRequest request, Consumer<TopicMetadata> serve, boolean majority)
      implements Command, NoSerializationVerificationNeeded {}

  public static Behavior<Command> create(
      Settings settings,
      ActorRef<Controller.Command> controller,
      ActorRef<ProducerIdManager.Command> producerIds,
      PartitionLeaders leaders,
      String clusterId) {
    return create(
        new Wiring(
            settings,
            controller,
            producerIds,
            leaders,
            clusterId,
            Clock.systemUTC(),
            null,
            new Random()));
  }

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(context -> new GatewayActor(context, wiring).start());
  }
}
