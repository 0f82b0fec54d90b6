package sluice.actors.group.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.TopicMetadata;

/**
 * {@code __consumer_offsets} as this broker's metadata view holds it, created through the
 * controller ({@link Controller.CreateInternalTopic}) when the first group request needs it. One
 * creation at a time per broker: requests that find the topic missing meanwhile share it; a
 * creation the controller refuses (too few live brokers for the replication factor, no quorum) is a
 * retriable {@code COORDINATOR_NOT_AVAILABLE} carrying the controller's words, tried again by the
 * next request. Safe from any thread.
 */
final class OffsetsTopicCreation {

  /** Why a request cannot reach a coordinator now: the reply to give. */
  static final class Unavailable extends RuntimeException {
    final ApiError error;

    Unavailable(ApiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  private final ActorSystem<?> system;
  private final ActorRef<Controller.Command> controller;
  private final GroupSettings settings;
  private final Duration adminTimeout;
  private final Duration metadataReadTimeout;
  private final MetadataView view;
  private CompletableFuture<TopicMetadata> creating;

  OffsetsTopicCreation(
      ActorSystem<?> system,
      ActorRef<Controller.Command> controller,
      GroupSettings settings,
      Duration adminTimeout,
      Duration metadataReadTimeout) {
    this.system = system;
    this.controller = controller;
    this.settings = settings;
    this.adminTimeout = adminTimeout;
    this.metadataReadTimeout = metadataReadTimeout;
    this.view = MetadataView.get(system);
  }

  /**
   * The topic; if this broker does not know it, read again locally, then created ({@code create})
   * or null. Fails with {@link Unavailable}.
   */
  CompletionStage<TopicMetadata> topic(boolean create) {
    TopicMetadata known = view.topic(OffsetsTopic.NAME).orElse(null);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return view.refreshLocal()
        .thenCompose(
            snapshot -> {
              TopicMetadata read = snapshot.topic(OffsetsTopic.NAME).orElse(null);
              if (read != null || !create) {
                return CompletableFuture.completedFuture(read);
              }
              return create();
            });
  }

  private synchronized CompletionStage<TopicMetadata> create() {
    if (creating == null) {
      CompletableFuture<TopicMetadata> created = new CompletableFuture<>();
      creating = created;
      ask()
          .whenComplete(
              (topic, failure) -> {
                synchronized (this) {
                  creating = null;
                }
                if (failure != null) {
                  created.completeExceptionally(failure);
                } else {
                  created.complete(topic);
                }
              });
    }
    return creating;
  }

  private CompletionStage<TopicMetadata> ask() {
    return AskPattern.<Controller.Command, AdminRequest.TopicReply>ask(
            controller,
            replyTo -> new Controller.CreateInternalTopic(settings.offsetsTopic(replyTo)),
            adminTimeout,
            system.scheduler())
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                throw unavailable("the controller did not answer in %s: %s", adminTimeout, failure);
              }
              if (reply.error() != null && reply.error().code() != ErrorCode.TOPIC_ALREADY_EXISTS) {
                throw unavailable(
                    "the controller refused its creation: %s %s",
                    reply.error().code(), reply.error().message());
              }
              return reply;
            })
        .thenCompose(created -> view.refreshMajority(metadataReadTimeout))
        .thenApply(
            snapshot ->
                snapshot
                    .topic(OffsetsTopic.NAME)
                    .orElseThrow(
                        () -> unavailable("it was created but is not in this broker's view yet")));
  }

  private static Unavailable unavailable(String format, Object... args) {
    return new Unavailable(
        ApiError.of(
            ErrorCode.COORDINATOR_NOT_AVAILABLE,
            "%s is not available: %s",
            OffsetsTopic.NAME,
            String.format(format, args)));
  }
}
