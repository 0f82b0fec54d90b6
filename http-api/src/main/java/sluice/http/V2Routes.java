package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;

/**
 * The REST Proxy v2 API under {@code /topics}: topic and partition metadata, partition offsets,
 * produce ({@link V2ProduceRoutes}) and consume by partition ({@link ConsumeRoutes}). Metadata
 * answers use {@code application/vnd.kafka.v2+json}:
 *
 * <pre>
 * GET /topics                                   ["topic-a", "topic-b"]
 * GET /topics/{topic}                           {"name", "configs": {...}, "partitions": [...]}
 * GET /topics/{topic}/partitions                [{"partition", "leader", "replicas": [...]}]
 * GET /topics/{topic}/partitions/{p}            {"partition", "leader", "replicas": [{"broker", "leader", "in_sync"}]}
 * GET /topics/{topic}/partitions/{p}/offsets    {"beginning_offset", "end_offset"}
 * </pre>
 *
 * {@code end_offset} is the high watermark: the offset the next readable record will get.
 */
final class V2Routes {
  private final GatewayClient client;
  private final V2ProduceRoutes produce;
  private final ConsumeRoutes consume;

  V2Routes(GatewayClient client) {
    this.client = client;
    this.produce = new V2ProduceRoutes(client);
    this.consume = new ConsumeRoutes(client);
  }

  record Replica(int broker, boolean leader, boolean inSync) {}

  record Partition(int partition, int leader, List<Replica> replicas) {}

  record Topic(String name, Map<String, String> configs, List<Partition> partitions) {}

  record Offsets(long beginningOffset, long endOffset) {}

  Route route() {
    return pathPrefix(
        "topics",
        () ->
            concat(
                pathEndOrSingleSlash(() -> get(this::listTopics)),
                pathPrefix(segment(), this::topic)));
  }

  private Route topic(String topic) {
    return concat(
        pathEndOrSingleSlash(
            () -> concat(get(() -> describeTopic(topic)), produce.route(topic, null))),
        pathPrefix(
            "partitions",
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(() -> listPartitions(topic))),
                    pathPrefix(segment(), partitionText -> partition(topic, partitionText)))));
  }

  private Route partition(String topic, String partitionText) {
    int partition = Params.partition(partitionText);
    return concat(
        pathEndOrSingleSlash(
            () ->
                concat(
                    get(() -> describePartition(topic, partition)),
                    produce.route(topic, partition))),
        pathPrefix(
            "offsets", () -> pathEndOrSingleSlash(() -> get(() -> offsets(topic, partition)))),
        consume.route(topic, partition));
  }

  private Route listTopics() {
    return completeWithFuture(
        client
            .listTopics()
            .thenApply(
                topics ->
                    Json.response(
                        StatusCodes.OK,
                        Json.V2,
                        topics.stream().map(TopicDescription::name).sorted().toList())));
  }

  private Route describeTopic(String topic) {
    return completeWithFuture(
        client
            .describeTopic(topic)
            .thenApply(
                description ->
                    Json.response(
                        StatusCodes.OK,
                        Json.V2,
                        new Topic(
                            description.name(),
                            new TreeMap<>(description.configs()),
                            description.partitions().stream().map(V2Routes::partition).toList()))));
  }

  private Route listPartitions(String topic) {
    return completeWithFuture(
        client
            .describeTopic(topic)
            .thenApply(
                description ->
                    Json.response(
                        StatusCodes.OK,
                        Json.V2,
                        description.partitions().stream().map(V2Routes::partition).toList())));
  }

  private Route describePartition(String topic, int partition) {
    return completeWithFuture(
        client
            .describeTopic(topic)
            .thenApply(
                description ->
                    Json.response(
                        StatusCodes.OK,
                        Json.V2,
                        partition(V3Routes.partitionInfo(description, partition)))));
  }

  private Route offsets(String topic, int partition) {
    return completeWithFuture(
        client
            .topicMetadataCovering(topic, partition)
            .thenApply(description -> V3Routes.partitionInfo(description, partition))
            .thenCompose(info -> client.offsets(topic, partition))
            .thenApply(
                offsets ->
                    Json.response(
                        StatusCodes.OK,
                        Json.V2,
                        new Offsets(offsets.logStartOffset(), offsets.highWatermark()))));
  }

  private static Partition partition(PartitionInfo info) {
    return new Partition(
        info.partition(),
        info.leader(),
        info.replicas().stream()
            .map(b -> new Replica(b, b == info.leader(), info.isr().contains(b)))
            .toList());
  }
}
