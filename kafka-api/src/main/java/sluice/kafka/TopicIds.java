package sluice.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import sluice.actors.api.AdminRequest;
import sluice.actors.gateway.Gateway;

/**
 * Topic names by topic id, for requests that name topics by id only (Fetch v13+). Names are kept
 * once seen; an id not held sends one {@code ListTopics} to the gateway. A kept entry may outlive
 * its topic: every request made from it carries the id too, and the gateway refuses it {@code
 * UNKNOWN_TOPIC_ID} if the topic of that name has another id now. Safe from any thread.
 */
final class TopicIds {
  private final GatewayCalls gateway;
  private final Duration timeout;
  private final Map<Uuid, String> names = new ConcurrentHashMap<>();

  TopicIds(GatewayCalls gateway, Duration timeout) {
    this.gateway = gateway;
    this.timeout = timeout;
  }

  /** The name of the topic with {@code id}, empty if no topic has it; fails if not answered. */
  CompletionStage<Optional<String>> name(Uuid id) {
    String known = names.get(id);
    if (known != null) {
      return CompletableFuture.completedFuture(Optional.of(known));
    }
    if (Uuid.ZERO_UUID.equals(id)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletionStage<AdminRequest.TopicList> list =
        gateway.ask(replyTo -> new Gateway.Admin(new AdminRequest.ListTopics(replyTo)), timeout);
    return list.thenApply(
        topics -> {
          for (var topic : topics.topics()) {
            Uuid topicId = MetadataAnswers.topicId(topic.topicId());
            if (!Uuid.ZERO_UUID.equals(topicId)) {
              names.put(topicId, topic.name());
            }
          }
          return Optional.ofNullable(names.get(id));
        });
  }

  /** Kafka's topic id in Sluice's form (a UUID's text). */
  static String sluiceId(Uuid id) {
    return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()).toString();
  }
}
