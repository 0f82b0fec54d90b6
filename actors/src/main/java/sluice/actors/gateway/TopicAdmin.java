package sluice.actors.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.AdminRequest.TopicList;
import sluice.actors.api.AdminRequest.TopicReply;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.controller.QuorumRefusals;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.quorum.QuorumState;

/**
 * The gateway's topic administration: each request is forwarded to the {@link Controller} singleton
 * as it came (the controller takes the same {@link AdminRequest}s), re-addressed to an ask of its
 * own, and its answer (or {@code REQUEST_TIMED_OUT} when none came within {@code admin-timeout}) is
 * the reply. Two requests do more: a grown topic is read from a majority into the broker's {@link
 * MetadataView} before the reply, so this gateway uses the new partitions once the client has the
 * answer; a list the controller does not answer (it is moving to another broker) is answered from
 * the view. Every stage completes with a reply, never exceptionally. Safe from any thread.
 */
final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private final ActorRef<Controller.Command> controller;
  private final Gateway.Settings settings;
  private final MetadataView view;
  private final Scheduler scheduler;
  private final Supplier<QuorumState> quorum;

  /**
   * @param quorum this broker's quorum now: without one, a request that writes is refused here
   */
  TopicAdmin(
      ActorRef<Controller.Command> controller,
      Gateway.Settings settings,
      MetadataView view,
      Scheduler scheduler,
      Supplier<QuorumState> quorum) {
    this.controller = controller;
    this.settings = settings;
    this.view = view;
    this.scheduler = scheduler;
    this.quorum = quorum;
  }

  /**
   * Asks the controller {@code request}'s question; its answer is the reply. A describe the
   * controller does not answer in time (it is starting, or waits for a quorum) is answered from the
   * local replica when that knows the topic: survivors without a quorum still serve what they hold.
   * A request that writes, while this broker sees no quorum, is answered {@code NO_QUORUM} at once:
   * the controller could not write it either, and the controller this broker last knew may be on a
   * broker just lost, where the request would wait out the timeout.
   */
  CompletionStage<TopicReply> forward(AdminRequest.TopicRequest request) {
    QuorumState now = quorum.get();
    if (!request.readOnly() && !now.present()) {
      return CompletableFuture.completedFuture(
          new TopicReply(null, QuorumRefusals.refusal(request, now)));
    }
    return ask(request)
        .handle(
            (reply, failure) -> {
              if (failure == null) {
                return reply;
              }
              if (request instanceof AdminRequest.DescribeTopic describe) {
                TopicMetadata local = view.current().topics().get(describe.name());
                if (local != null) {
                  LOG.warn(
                      "The controller did not answer a describe of '{}'; answering from the local"
                          + " replica",
                      describe.name());
                  return new TopicReply(Controller.describe(local), null);
                }
              }
              return new TopicReply(null, noAnswer(request.what()));
            });
  }

  /**
   * Forwards the grow; once the controller answered it (with WriteMajority), the topics are read
   * from a majority, so the view has the new count before the reply. A failed read only delays
   * that: the subscription brings the count soon after.
   */
  CompletionStage<TopicReply> createPartitions(AdminRequest.CreatePartitions request) {
    return forward(request)
        .thenCompose(
            reply ->
                reply.error() != null
                    ? CompletableFuture.completedFuture(reply)
                    : view.refreshMajority(settings.metadataReadTimeout())
                        .handle((snapshot, failure) -> reply));
  }

  /** The controller's listing; the view's topics if the controller does not answer. */
  CompletionStage<TopicList> list(AdminRequest.ListTopics request) {
    return ask(request)
        .handle(
            (listing, failure) -> {
              if (failure == null) {
                return listing;
              }
              LOG.warn(
                  "The controller did not answer a topic list; answering from the local replica");
              return new TopicList(
                  view.current().topics().values().stream()
                      .sorted(Comparator.comparing(TopicMetadata::name))
                      .map(Controller::describe)
                      .toList());
            });
  }

  /** {@code request}, asked of the controller with a reply ref of the ask's own. */
  private <R> CompletionStage<R> ask(AdminRequest<R> request) {
    return AskPattern.ask(
        controller,
        (ActorRef<R> replyTo) -> new Controller.Admin(request.withReplyTo(replyTo)),
        settings.adminTimeout(),
        scheduler);
  }

  private ApiError noAnswer(String what) {
    return ApiError.of(
        ErrorCode.REQUEST_TIMED_OUT,
        "The controller did not answer to %s within %s",
        what,
        settings.adminTimeout());
  }

  /**
   * Serves one administration request: the cluster description from {@code describe} (this broker's
   * view), topic requests by the controller. Answers go to the request's {@code replyTo}.
   */
  void serve(AdminRequest<?> request, Supplier<AdminRequest.ClusterDescription> describe) {
    if (request instanceof AdminRequest.DescribeCluster cluster) {
      cluster.replyTo().tell(describe.get());
    } else if (request instanceof AdminRequest.ListTopics list) {
      list(list).thenAccept(list.replyTo()::tell);
    } else if (request instanceof AdminRequest.CreatePartitions grow) {
      createPartitions(grow).thenAccept(grow.replyTo()::tell);
    } else if (request instanceof AdminRequest.TopicRequest topic) {
      forward(topic).thenAccept(topic.replyTo()::tell);
    } else {
      throw new IllegalStateException(
          "Not an administration request the gateway serves: " + request);
    }
  }
}
