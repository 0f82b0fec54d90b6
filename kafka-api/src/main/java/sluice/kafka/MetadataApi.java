package sluice.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.gateway.Gateway;

/**
 * Metadata (API key 3): the cluster from the gateway's {@code DescribeCluster} (live brokers only),
 * every topic from {@code ListTopics} when the request names none (a null topic list), or each
 * named topic from {@code TopicInView} (read again from a majority before it is called unknown).
 * Topics are never created by a Metadata request: {@code allow_auto_topic_creation} is ignored and
 * a missing topic is answered {@code UNKNOWN_TOPIC_OR_PARTITION}. Safe from any thread.
 */
final class MetadataApi {
  private final GatewayCalls gateway;
  private final Duration timeout;

  MetadataApi(GatewayCalls gateway, Duration timeout) {
    this.gateway = gateway;
    this.timeout = timeout;
  }

  CompletionStage<MetadataResponseData> answer(MetadataRequestData request) {
    CompletionStage<AdminRequest.ClusterDescription> cluster =
        gateway.ask(
            replyTo -> new Gateway.Admin(new AdminRequest.DescribeCluster(replyTo)), timeout);
    CompletionStage<List<MetadataAnswers.TopicAnswer>> topics =
        request.topics() == null ? allTopics() : namedTopics(request.topics());
    return cluster.thenCombine(topics, MetadataAnswers::answer);
  }

  private CompletionStage<List<MetadataAnswers.TopicAnswer>> allTopics() {
    CompletionStage<AdminRequest.TopicList> list =
        gateway.ask(replyTo -> new Gateway.Admin(new AdminRequest.ListTopics(replyTo)), timeout);
    return list.thenApply(
        reply ->
            reply.topics().stream()
                .map(t -> new MetadataAnswers.TopicAnswer(t.name(), t, null))
                .toList());
  }

  private CompletionStage<List<MetadataAnswers.TopicAnswer>> namedTopics(
      List<MetadataRequestTopic> requested) {
    List<CompletableFuture<MetadataAnswers.TopicAnswer>> answers = new ArrayList<>();
    for (MetadataRequestTopic topic : requested) {
      answers.add(named(topic).toCompletableFuture());
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> answers.stream().map(CompletableFuture::join).toList());
  }

  private CompletionStage<MetadataAnswers.TopicAnswer> named(MetadataRequestTopic topic) {
    String name = topic.name();
    if (name == null || name.isEmpty()) {
      return CompletableFuture.completedFuture(
          new MetadataAnswers.TopicAnswer(
              name,
              null,
              ApiError.of(
                  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                  "A Metadata request names a topic by id (%s) only; Sluice looks topics up by"
                      + " name",
                  topic.topicId())));
    }
    CompletionStage<AdminRequest.TopicReply> reply =
        gateway.ask(replyTo -> new Gateway.TopicInView(name, -1, replyTo), timeout);
    return reply.handle(
        (answer, failure) ->
            failure != null
                ? new MetadataAnswers.TopicAnswer(
                    name, null, ApiError.ofFailedAsk("Metadata of topic '" + name + "'", failure))
                : new MetadataAnswers.TopicAnswer(name, answer.topic(), answer.error()));
  }
}
