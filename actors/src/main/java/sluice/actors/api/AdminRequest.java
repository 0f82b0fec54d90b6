package sluice.actors.api;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * Topic and cluster administration: the one set of messages a front door sends the gateway and the
 * gateway sends the controller, so neither keeps a copy of the other's. Both actors take them
 * wrapped in their own {@code Admin} command, since a sealed {@code Command} cannot permit records
 * of another package; the gateway re-addresses a request to itself ({@link #withReplyTo}) to bound
 * the controller's answer by its admin timeout.
 *
 * <p>The type name travels with a request ({@link JsonTypeInfo}): inside an {@code Admin} command
 * the field's declared type is this interface, and Akka's Jackson setup refuses class names.
 *
 * @param <R> the reply
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AdminRequest.CreateTopic.class, name = "CreateTopic"),
  @JsonSubTypes.Type(value = AdminRequest.DeleteTopic.class, name = "DeleteTopic"),
  @JsonSubTypes.Type(value = AdminRequest.DescribeTopic.class, name = "DescribeTopic"),
  @JsonSubTypes.Type(value = AdminRequest.CreatePartitions.class, name = "CreatePartitions"),
  @JsonSubTypes.Type(value = AdminRequest.ListTopics.class, name = "ListTopics"),
  @JsonSubTypes.Type(value = AdminRequest.DescribeCluster.class, name = "DescribeCluster")
})
public sealed interface AdminRequest<R> extends CborSerializable {
  ActorRef<R> replyTo();

  /** The same request, answered to {@code replyTo}. */
  AdminRequest<R> withReplyTo(ActorRef<R> replyTo);

  /** The request in words, for an error that names it. */
  String what();

  /**
   * Whether the request only reads: a controller answers it at once, even while it writes, and
   * never stashes it once it serves.
   */
  boolean readOnly();

  /** A request about one topic, answered with a {@link TopicReply}. */
  sealed interface TopicRequest extends AdminRequest<TopicReply> {
    String name();

    @Override
    TopicRequest withReplyTo(ActorRef<TopicReply> replyTo);

    /** Answers the request with {@code error}. */
    default void refuse(ApiError error) {
      replyTo().tell(new TopicReply(null, error));
    }

    @Override
    default boolean readOnly() {
      return false;
    }
  }

  /**
   * Creates an ordinary topic. Names starting with {@code __} are reserved for the broker's own
   * topics and refused here; only the controller's own {@code CreateInternalTopic} creates those.
   *
   * @param replicationFactor null for the default, min(3, live brokers)
   * @param configs only the configs set on this topic; null for none
   */
  record CreateTopic(
      String name,
      int partitions,
      Integer replicationFactor,
      Map<String, String> configs,
      ActorRef<TopicReply> replyTo)
      implements TopicRequest {
    @Override
    public CreateTopic withReplyTo(ActorRef<TopicReply> replyTo) {
      return new CreateTopic(name, partitions, replicationFactor, configs, replyTo);
    }

    @Override
    public String what() {
      return "create topic '" + name + "'";
    }
  }

  record DeleteTopic(String name, ActorRef<TopicReply> replyTo) implements TopicRequest {
    @Override
    public DeleteTopic withReplyTo(ActorRef<TopicReply> replyTo) {
      return new DeleteTopic(name, replyTo);
    }

    @Override
    public String what() {
      return "delete topic '" + name + "'";
    }
  }

  record DescribeTopic(String name, ActorRef<TopicReply> replyTo) implements TopicRequest {
    @Override
    public DescribeTopic withReplyTo(ActorRef<TopicReply> replyTo) {
      return new DescribeTopic(name, replyTo);
    }

    @Override
    public String what() {
      return "describe topic '" + name + "'";
    }

    @Override
    public boolean readOnly() {
      return true;
    }
  }

  /**
   * Adds partitions to a topic so that it has {@code partitions} in all (Kafka's CreatePartitions):
   * the count must be greater than the current one and at most {@code
   * sluice.controller.max-partitions-per-topic}. Answered with the grown topic once its metadata is
   * written and the new partitions placed; a gateway answers once it has also read the grown topic,
   * so it then produces to, fetches from and spreads keys over the new partitions.
   */
  record CreatePartitions(String name, int partitions, ActorRef<TopicReply> replyTo)
      implements TopicRequest {
    @Override
    public CreatePartitions withReplyTo(ActorRef<TopicReply> replyTo) {
      return new CreatePartitions(name, partitions, replyTo);
    }

    @Override
    public String what() {
      return "add partitions to topic '" + name + "'";
    }
  }

  /** Exactly one of {@code topic} and {@code error} is non-null. */
  record TopicReply(TopicDescription topic, ApiError error) implements CborSerializable {}

  record ListTopics(ActorRef<TopicList> replyTo) implements AdminRequest<TopicList> {
    @Override
    public ListTopics withReplyTo(ActorRef<TopicList> replyTo) {
      return new ListTopics(replyTo);
    }

    @Override
    public String what() {
      return "list topics";
    }

    @Override
    public boolean readOnly() {
      return true;
    }
  }

  /** Every topic, by name. */
  record TopicList(List<TopicDescription> topics) implements CborSerializable {}

  /**
   * Answered by a gateway from its broker's view of the cluster, by the controller from its own
   * (with itself as the controller).
   */
  record DescribeCluster(ActorRef<ClusterDescription> replyTo)
      implements AdminRequest<ClusterDescription> {
    @Override
    public DescribeCluster withReplyTo(ActorRef<ClusterDescription> replyTo) {
      return new DescribeCluster(replyTo);
    }

    @Override
    public String what() {
      return "describe the cluster";
    }

    @Override
    public boolean readOnly() {
      return true;
    }
  }

  /**
   * @param controllerId the broker id of the broker running the controller, -1 if none is known
   * @param brokers the live brokers, by id
   */
  record ClusterDescription(String clusterId, int controllerId, List<BrokerInfo> brokers)
      implements CborSerializable {}
}
