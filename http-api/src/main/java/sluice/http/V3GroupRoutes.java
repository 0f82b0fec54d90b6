package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupDescription.MemberDescription;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.TopicPartition;

/**
 * The REST Proxy v3 consumer-group resources under {@code
 * /v3/clusters/{cluster_id}/consumer-groups} (read-only, as the REST Proxy has them: groups,
 * consumers, assignments, lags, lag summary) and two Sluice extensions: {@code DELETE} of an empty
 * group and {@code POST .../offsets:reset} ({@link OffsetsReset}). Groups are asked through {@link
 * GroupClient}; lags add the partitions' high watermarks, asked of their leaders concurrently
 * ({@link GroupLags}). Shapes: {@link V3GroupResources}; errors: {@link GroupErrors}. See {@code
 * docs/http-api.md}, "Consumer groups".
 */
final class V3GroupRoutes {
  private final GatewayClient client;
  private final GroupClient groups;
  private final GroupReads reads;
  private final OffsetsReset reset;

  V3GroupRoutes(GatewayClient client, GroupClient groups) {
    this.client = client;
    this.groups = groups;
    this.reads = new GroupReads(client, groups);
    this.reset = new OffsetsReset(client, groups);
  }

  Route route() {
    return pathPrefix(
        "v3",
        () ->
            pathPrefix(
                "clusters",
                () ->
                    pathPrefix(
                        segment(),
                        clusterId ->
                            pathPrefix(
                                "consumer-groups",
                                () ->
                                    extractRequest(
                                        request ->
                                            groups(
                                                new Context(
                                                    clusterId,
                                                    new V3GroupResources(
                                                        V3Resources.of(request, clusterId),
                                                        clusterId))))))));
  }

  /** A request's cluster id and the resource builder on its host. */
  private record Context(String clusterId, V3GroupResources resources) {}

  private Route groups(Context c) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> listGroups(c))),
        pathPrefix(
            segment(),
            group ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            concat(
                                get(() -> describeGroup(c, group)),
                                delete(() -> deleteGroup(c, group)))),
                    pathPrefix(
                        "offsets:reset",
                        () -> pathEndOrSingleSlash(() -> post(() -> resetOffsets(c, group)))),
                    pathPrefix("consumers", () -> consumers(c, group)),
                    pathPrefix("lags", () -> lags(c, group)),
                    pathPrefix(
                        "lag-summary",
                        () -> pathEndOrSingleSlash(() -> get(() -> lagSummary(c, group)))))));
  }

  private Route consumers(Context c, String group) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> listConsumers(c, group))),
        pathPrefix(
            segment(),
            consumer ->
                concat(
                    pathEndOrSingleSlash(() -> get(() -> describeConsumer(c, group, consumer))),
                    pathPrefix(
                        "assignments",
                        () ->
                            concat(
                                pathEndOrSingleSlash(
                                    () -> get(() -> listAssignments(c, group, consumer))),
                                topicPartition(
                                    (topic, partition) ->
                                        describeAssignment(
                                            c, group, consumer, topic, partition)))))));
  }

  private Route lags(Context c, String group) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> listLags(c, group))),
        topicPartition((topic, partition) -> describeLag(c, group, topic, partition)));
  }

  /** {@code /{topic}/partitions/{partition}}, answered by {@code route} on a GET. */
  private static Route topicPartition(BiFunction<String, String, Route> route) {
    return pathPrefix(
        segment(),
        topic ->
            pathPrefix(
                "partitions",
                () ->
                    pathPrefix(
                        segment(),
                        partition ->
                            pathEndOrSingleSlash(() -> get(() -> route.apply(topic, partition))))));
  }

  // ---- groups ---------------------------------------------------------------------------------

  private Route listGroups(Context c) {
    return completeWithFuture(
        client
            .checkClusterId(c.clusterId())
            .thenCompose(id -> groups.list())
            .thenCompose(
                listings -> {
                  List<CompletableFuture<Optional<GroupRequest.DescribedGroup>>> described =
                      listings.stream()
                          .map(l -> groups.describe(l.groupId()).toCompletableFuture())
                          .toList();
                  return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new))
                      .thenCombine(
                          reads.coordinators(),
                          (done, coordinators) ->
                              described.stream()
                                  .map(CompletableFuture::join)
                                  .flatMap(Optional::stream)
                                  .sorted(
                                      Comparator.comparing(GroupRequest.DescribedGroup::groupId))
                                  .map(
                                      g ->
                                          c.resources()
                                              .group(g, coordinators.leaderFor(g.groupId())))
                                  .toList());
                })
            .thenApply(
                data -> Json.ok(list("KafkaConsumerGroupList", c.resources().groupsUrl(), data))));
  }

  private Route describeGroup(Context c, String group) {
    return completeWithFuture(
        reads
            .existing(c.clusterId(), group)
            .thenCompose(
                g ->
                    reads
                        .coordinators()
                        .thenApply(
                            coordinators ->
                                Json.ok(
                                    c.resources().group(g, coordinators.leaderFor(g.groupId()))))));
  }

  private Route deleteGroup(Context c, String group) {
    return completeWithFuture(
        client
            .checkClusterId(c.clusterId())
            .thenCompose(id -> groups.delete(group))
            .thenApply(
                reply -> {
                  if (reply.groupError() == GroupError.GROUP_ID_NOT_FOUND) {
                    throw GroupErrors.groupNotFound(group);
                  }
                  if (reply.groupError() == GroupError.NON_EMPTY_GROUP) {
                    throw GroupErrors.hasMembers(group, "deleting is allowed for", -1);
                  }
                  if (reply.groupError() != null) {
                    throw new IllegalStateException(
                        "the coordinator refused to delete group "
                            + group
                            + ": "
                            + reply.groupError()
                            + " "
                            + reply.message());
                  }
                  return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
                }));
  }

  private Route resetOffsets(Context c, String group) {
    return withSizeLimit(
        client.settings().maxRequestSize(),
        () ->
            extractRequest(
                request ->
                    extractMaterializer(
                        mat ->
                            completeWithFuture(
                                jsonBody(request, mat)
                                    .thenApply(OffsetsResetRequest::parse)
                                    .thenCompose(
                                        parsed ->
                                            client
                                                .checkClusterId(c.clusterId())
                                                .thenCompose(id -> reset.reset(group, parsed)))
                                    .thenApply(Json::ok)))));
  }

  // ---- consumers and assignments --------------------------------------------------------------

  private Route listConsumers(Context c, String group) {
    return completeWithFuture(
        reads
            .existing(c.clusterId(), group)
            .thenApply(
                g ->
                    Json.ok(
                        list(
                            "KafkaConsumerList",
                            c.resources().consumersUrl(group),
                            g.members().stream()
                                .sorted(Comparator.comparing(MemberDescription::memberId))
                                .map(m -> c.resources().consumer(group, m))
                                .toList()))));
  }

  private Route describeConsumer(Context c, String group, String consumer) {
    return completeWithFuture(
        reads
            .member(c.clusterId(), group, consumer)
            .thenApply(m -> Json.ok(c.resources().consumer(group, m))));
  }

  private Route listAssignments(Context c, String group, String consumer) {
    return completeWithFuture(
        reads
            .existing(c.clusterId(), group)
            .thenApply(
                g -> {
                  MemberDescription m = GroupReads.member(g, consumer);
                  return Json.ok(
                      list(
                          "KafkaConsumerAssignmentList",
                          c.resources().assignmentsUrl(group, consumer),
                          c.resources().assignments(group, consumer, GroupLags.assignment(g, m))));
                }));
  }

  private Route describeAssignment(
      Context c, String group, String consumer, String topic, String partitionText) {
    int partition = Params.partition(partitionText);
    TopicPartition tp = new TopicPartition(topic, partition);
    return completeWithFuture(
        reads
            .existing(c.clusterId(), group)
            .thenApply(
                g -> {
                  if (!GroupLags.assignment(g, GroupReads.member(g, consumer)).contains(tp)) {
                    throw RestException.notFound(
                        "Consumer '%s' of group '%s' is not assigned partition %d of topic '%s'.",
                        Params.abbreviate(consumer),
                        Params.abbreviate(group),
                        partition,
                        Params.abbreviate(topic));
                  }
                  return Json.ok(c.resources().assignment(group, consumer, tp));
                }));
  }

  // ---- lags -----------------------------------------------------------------------------------

  private Route listLags(Context c, String group) {
    return completeWithFuture(
        reads
            .lags(c.clusterId(), group)
            .thenApply(
                lags ->
                    Json.ok(
                        list(
                            "KafkaConsumerLagList",
                            c.resources().lagsUrl(group),
                            lags.stream().map(l -> c.resources().lag(group, l)).toList()))));
  }

  private Route lagSummary(Context c, String group) {
    return completeWithFuture(
        reads
            .lags(c.clusterId(), group)
            .thenApply(
                lags ->
                    Json.ok(
                        c.resources().lagSummary(group, GroupLags.summary(lags).orElseThrow()))));
  }

  /**
   * One partition's lag. Unlike the lists, a high watermark that cannot be read is this answer's
   * error (503 naming the partition), not a partition left out.
   */
  private Route describeLag(Context c, String group, String topic, String partitionText) {
    int partition = Params.partition(partitionText);
    return completeWithFuture(
        reads
            .existing(c.clusterId(), group)
            .thenCompose(
                g -> {
                  boolean committed =
                      g.offsets().stream()
                          .anyMatch(o -> o.topic().equals(topic) && o.partition() == partition);
                  if (!committed) {
                    throw RestException.notFound(
                        "Consumer group '%s' has no committed offset for partition %d of topic"
                            + " '%s', so no lag.",
                        Params.abbreviate(group), partition, Params.abbreviate(topic));
                  }
                  return client
                      .offsets(topic, partition)
                      .thenApply(
                          offsets ->
                              GroupLags.lags(
                                      g,
                                      Map.of(
                                          new TopicPartition(topic, partition),
                                          offsets.highWatermark()))
                                  .get(0));
                })
            .thenApply(lag -> Json.ok(c.resources().lag(group, lag))));
  }

  private static <T> V3Resources.ResourceList<T> list(String kind, String self, List<T> data) {
    return new V3Resources.ResourceList<>(
        kind, new V3Resources.CollectionMetadata(self, null), data);
  }

  /** The request's whole body as JSON; a Content-Type other than JSON is refused first. */
  private CompletionStage<com.fasterxml.jackson.databind.JsonNode> jsonBody(
      HttpRequest request, Materializer mat) {
    String type = request.entity().getContentType().mediaType().toString();
    if (!type.equals("application/json")) {
      throw RestException.unsupportedMediaType(type, "application/json");
    }
    return request
        .entity()
        .toStrict(client.settings().requestTimeout().toMillis(), mat)
        .thenApply(strict -> Json.parse(strict.getData()));
  }
}
