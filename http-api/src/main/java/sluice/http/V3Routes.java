package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.patch;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.TopicDescription;

/**
 * The REST Proxy v3 API under {@code /v3/clusters}: the cluster, its brokers, topics (create, list,
 * describe, delete, configs), partitions with their offsets, replicas, produce ({@link
 * V3ProduceRoutes}), and Sluice's producer ids ({@link V3ProducerRoutes}). Every path with a {@code
 * cluster_id} answers 404 unless it is this cluster's.
 *
 * <p>Topic creation ({@link CreateTopicRequest}) answers 201 with the topic; {@code PATCH} on a
 * topic ({@link UpdateTopicRequest}, {@code {"partitions_count": N}}, as the REST Proxy) adds
 * partitions and answers 200 with the grown topic. Names, counts and configs are validated by the
 * controller, whose refusal is a 400 / 40002 naming the problem.
 */
final class V3Routes {
  /** How long a partition's description waits for its leader's offsets before it goes without. */
  static final Duration LEADER_OFFSETS_WAIT = Duration.ofSeconds(2);

  private final GatewayClient client;
  private final HttpSettings settings;
  private final V3ProduceRoutes produce;
  private final V3ProducerRoutes producers;

  V3Routes(GatewayClient client) {
    this.client = client;
    this.settings = client.settings();
    this.produce = new V3ProduceRoutes(client);
    this.producers = new V3ProducerRoutes(client);
  }

  Route route() {
    return pathPrefix(
        "v3",
        () ->
            pathPrefix(
                "clusters",
                () ->
                    extractRequest(
                        request ->
                            concat(
                                pathEndOrSingleSlash(() -> get(() -> listClusters(request))),
                                pathPrefix(segment(), clusterId -> cluster(request, clusterId))))));
  }

  private Route cluster(HttpRequest request, String clusterId) {
    V3Resources resources = V3Resources.of(request, clusterId);
    return concat(
        pathEndOrSingleSlash(() -> get(() -> describeCluster(resources, clusterId))),
        pathPrefix(
            "brokers",
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(() -> listBrokers(resources, clusterId))),
                    pathPrefix(
                        segment(),
                        brokerId ->
                            pathEndOrSingleSlash(
                                () -> get(() -> describeBroker(resources, clusterId, brokerId)))))),
        pathPrefix("producers", () -> pathEndOrSingleSlash(() -> producers.route(clusterId))),
        pathPrefix(
            "topics",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            concat(
                                get(() -> listTopics(resources, clusterId)),
                                post(() -> createTopic(resources, clusterId)))),
                    pathPrefix(segment(), topic -> topic(resources, clusterId, topic)))));
  }

  private Route topic(V3Resources resources, String clusterId, String topic) {
    return concat(
        pathEndOrSingleSlash(
            () ->
                concat(
                    get(() -> describeTopic(resources, clusterId, topic)),
                    patch(() -> updateTopic(resources, clusterId, topic)),
                    delete(() -> deleteTopic(clusterId, topic)))),
        pathPrefix(
            "configs",
            () -> pathEndOrSingleSlash(() -> get(() -> topicConfigs(resources, clusterId, topic)))),
        pathPrefix("records", () -> pathEndOrSingleSlash(() -> produce.route(clusterId, topic))),
        pathPrefix(
            "partitions",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () -> get(() -> listPartitions(resources, clusterId, topic))),
                    pathPrefix(
                        segment(),
                        partition ->
                            concat(
                                pathEndOrSingleSlash(
                                    () ->
                                        get(
                                            () ->
                                                describePartition(
                                                    resources, clusterId, topic, partition))),
                                pathPrefix(
                                    "replicas",
                                    () ->
                                        pathEndOrSingleSlash(
                                            () ->
                                                get(
                                                    () ->
                                                        listReplicas(
                                                            resources, clusterId, topic,
                                                            partition)))))))));
  }

  private Route listClusters(HttpRequest request) {
    return completeWithFuture(
        client
            .describeCluster()
            .thenApply(
                cluster -> {
                  V3Resources resources = V3Resources.of(request, cluster.clusterId());
                  return Json.ok(
                      resources.list(
                          "KafkaClusterList",
                          resources.clustersUrl(),
                          List.of(resources.cluster(cluster.controllerId()))));
                }));
  }

  private Route describeCluster(V3Resources resources, String clusterId) {
    return completeWithFuture(
        checkedCluster(clusterId)
            .thenApply(cluster -> Json.ok(resources.cluster(cluster.controllerId()))));
  }

  private Route listBrokers(V3Resources resources, String clusterId) {
    return completeWithFuture(
        checkedCluster(clusterId)
            .thenApply(
                cluster ->
                    Json.ok(
                        resources.list(
                            "KafkaBrokerList",
                            resources.brokersUrl(),
                            cluster.brokers().stream()
                                .sorted(Comparator.comparingInt(b -> b.brokerId()))
                                .map(resources::broker)
                                .toList()))));
  }

  private Route describeBroker(V3Resources resources, String clusterId, String brokerId) {
    return completeWithFuture(
        checkedCluster(clusterId)
            .thenApply(
                cluster ->
                    cluster.brokers().stream()
                        .filter(b -> String.valueOf(b.brokerId()).equals(brokerId))
                        .findFirst()
                        .map(b -> Json.ok(resources.broker(b)))
                        .orElseThrow(
                            () ->
                                RestException.notFound(
                                    "Broker '%s' not found in cluster '%s'.",
                                    Params.abbreviate(brokerId), clusterId))));
  }

  private Route listTopics(V3Resources resources, String clusterId) {
    return completeWithFuture(
        client
            .checkClusterId(clusterId)
            .thenCompose(id -> client.listTopics())
            .thenApply(
                topics ->
                    Json.ok(
                        resources.list(
                            "KafkaTopicList",
                            resources.topicsUrl(),
                            topics.stream()
                                .sorted(Comparator.comparing(TopicDescription::name))
                                .map(resources::topic)
                                .toList()))));
  }

  private Route describeTopic(V3Resources resources, String clusterId, String topic) {
    return completeWithFuture(
        checkedTopic(clusterId, topic)
            .thenApply(description -> Json.ok(resources.topic(description))));
  }

  private Route topicConfigs(V3Resources resources, String clusterId, String topic) {
    return completeWithFuture(
        checkedTopic(clusterId, topic)
            .thenApply(
                description ->
                    Json.ok(
                        resources.list(
                            "KafkaTopicConfigList",
                            resources.configsUrl(topic),
                            resources.configs(description)))));
  }

  private Route deleteTopic(String clusterId, String topic) {
    return completeWithFuture(
        client
            .checkClusterId(clusterId)
            .thenCompose(id -> client.deleteTopic(topic))
            .thenApply(deleted -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)));
  }

  private Route updateTopic(V3Resources resources, String clusterId, String topic) {
    return withSizeLimit(
        settings.maxRequestSize(),
        () ->
            extractRequest(
                request ->
                    extractMaterializer(
                        mat ->
                            completeWithFuture(
                                updateTopic(request, mat, resources, clusterId, topic)))));
  }

  private CompletionStage<HttpResponse> updateTopic(
      HttpRequest request,
      Materializer mat,
      V3Resources resources,
      String clusterId,
      String topic) {
    return jsonBody(request, mat)
        .thenApply(UpdateTopicRequest::parse)
        .thenCompose(
            update ->
                client
                    .checkClusterId(clusterId)
                    .thenCompose(id -> client.createPartitions(topic, update.partitions())))
        .thenApply(grown -> Json.ok(resources.topic(grown)));
  }

  /** The request's whole body as JSON; a Content-Type other than JSON is refused first. */
  private CompletionStage<JsonNode> jsonBody(HttpRequest request, Materializer mat) {
    requireJson(request);
    return request
        .entity()
        .toStrict(settings.requestTimeout().toMillis(), mat)
        .thenApply(strict -> Json.parse(strict.getData()));
  }

  private static void requireJson(HttpRequest request) {
    String type = request.entity().getContentType().mediaType().toString();
    if (!type.equals("application/json")) {
      throw RestException.unsupportedMediaType(type, "application/json");
    }
  }

  private Route createTopic(V3Resources resources, String clusterId) {
    return withSizeLimit(
        settings.maxRequestSize(),
        () ->
            extractRequest(
                request ->
                    extractMaterializer(
                        mat ->
                            completeWithFuture(createTopic(request, mat, resources, clusterId)))));
  }

  private CompletionStage<HttpResponse> createTopic(
      HttpRequest request, Materializer mat, V3Resources resources, String clusterId) {
    return jsonBody(request, mat)
        .thenApply(CreateTopicRequest::parse)
        .thenCompose(
            create ->
                client
                    .checkClusterId(clusterId)
                    .thenCompose(
                        id ->
                            client.createTopic(
                                create.name(),
                                create.partitions(),
                                create.replicationFactor(),
                                create.configs())))
        .thenApply(
            topic ->
                Json.response(
                    StatusCodes.CREATED, ContentTypes.APPLICATION_JSON, resources.topic(topic)));
  }

  private Route listPartitions(V3Resources resources, String clusterId, String topic) {
    return completeWithFuture(
        checkedTopic(clusterId, topic)
            .thenCompose(
                description -> {
                  List<CompletableFuture<V3Resources.PartitionData>> partitions = new ArrayList<>();
                  for (PartitionInfo partition : description.partitions()) {
                    partitions.add(
                        partitionData(resources, topic, partition).toCompletableFuture());
                  }
                  return CompletableFuture.allOf(partitions.toArray(CompletableFuture[]::new))
                      .thenApply(
                          done ->
                              Json.ok(
                                  resources.list(
                                      "KafkaPartitionList",
                                      resources.partitionsUrl(topic),
                                      partitions.stream().map(CompletableFuture::join).toList())));
                }));
  }

  private Route describePartition(
      V3Resources resources, String clusterId, String topic, String partitionText) {
    int partition = Params.partition(partitionText);
    return completeWithFuture(
        checkedTopic(clusterId, topic)
            .thenCompose(
                description ->
                    partitionData(resources, topic, partitionInfo(description, partition)))
            .thenApply(Json::ok));
  }

  private Route listReplicas(
      V3Resources resources, String clusterId, String topic, String partitionText) {
    int partition = Params.partition(partitionText);
    return completeWithFuture(
        checkedTopic(clusterId, topic)
            .thenApply(
                description ->
                    Json.ok(
                        resources.list(
                            "KafkaReplicaList",
                            resources.replicasUrl(topic, partition),
                            resources.replicas(topic, partitionInfo(description, partition))))));
  }

  /** The cluster, once {@code clusterId} is known to be this cluster's (else 404). */
  private CompletionStage<AdminRequest.ClusterDescription> checkedCluster(String clusterId) {
    return client.checkClusterId(clusterId).thenCompose(id -> client.describeCluster());
  }

  /** The topic, once {@code clusterId} is known to be this cluster's (else 404). */
  private CompletionStage<TopicDescription> checkedTopic(String clusterId, String topic) {
    return client.checkClusterId(clusterId).thenCompose(id -> client.describeTopic(topic));
  }

  static PartitionInfo partitionInfo(TopicDescription topic, int partition) {
    return topic.partitions().stream()
        .filter(p -> p.partition() == partition)
        .findFirst()
        .orElseThrow(
            () ->
                RestException.partitionNotFound(
                    topic.name(), partition, topic.partitions().size()));
  }

  /**
   * The partition with its offsets, or without them when its leader cannot be asked within {@link
   * #LEADER_OFFSETS_WAIT}: the metadata (leader, ISR, epochs) is what a client needs most while a
   * leader moves, and it is known without the leader.
   */
  private CompletionStage<V3Resources.PartitionData> partitionData(
      V3Resources resources, String topic, PartitionInfo partition) {
    return client
        .offsets(topic, partition.partition(), LEADER_OFFSETS_WAIT)
        .handle(
            (PartitionOffsets offsets, Throwable failure) ->
                resources.partition(topic, partition, failure == null ? offsets : null));
  }
}
