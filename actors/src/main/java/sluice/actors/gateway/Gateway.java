package sluice.actors.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import java.util.List;
import java.util.Map;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.api.TopicDescription;

/**
 * The front-door protocol every front door (HTTP, the Java client) uses to reach the broker.
 *
 * <p>Contract copy of PLAN.md, without behavior: the gateway itself is written on branch {@code
 * control}, whose file replaces this one when it is merged.
 */
public final class Gateway {
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "sluice-gateway");

  private Gateway() {}

  public sealed interface Command extends CborSerializable {}

  public record DescribeCluster(ActorRef<ClusterDescription> replyTo) implements Command {}

  public record ClusterDescription(String clusterId, int controllerId, List<BrokerInfo> brokers)
      implements CborSerializable {}

  public record CreateTopic(
      String name,
      int partitions,
      Integer replicationFactor,
      Map<String, String> configs,
      ActorRef<TopicReply> replyTo)
      implements Command {}

  public record DeleteTopic(String name, ActorRef<TopicReply> replyTo) implements Command {}

  public record DescribeTopic(String name, ActorRef<TopicReply> replyTo) implements Command {}

  /** Exactly one of {@code topic} and {@code error} is non-null. */
  public record TopicReply(TopicDescription topic, ApiError error) implements CborSerializable {}

  public record ListTopics(ActorRef<TopicList> replyTo) implements Command {}

  public record TopicList(List<TopicDescription> topics) implements CborSerializable {}

  public record Produce(
      String topic,
      List<ProduceRecord> records,
      Acks acks,
      long timeoutMs,
      ActorRef<ProduceReply> replyTo)
      implements Command {}

  /** One result per record, in request order. */
  public record ProduceReply(List<RecordResult> results) implements CborSerializable {}

  public record Fetch(
      String topic,
      int partition,
      long offset,
      int maxBytes,
      long maxWaitMs,
      ActorRef<FetchReply> replyTo)
      implements Command {}

  public record FetchReply(List<ConsumedRecord> records, PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  public record GetOffsets(String topic, int partition, ActorRef<OffsetsReply> replyTo)
      implements Command {}

  public record OffsetsReply(PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  public record OffsetForTime(
      String topic, int partition, long timestamp, ActorRef<OffsetForTimeReply> replyTo)
      implements Command {}

  public record OffsetForTimeReply(long offset, ApiError error) implements CborSerializable {}
}
