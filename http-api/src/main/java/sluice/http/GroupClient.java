package sluice.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.japi.function.Function;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.GroupState;

/**
 * The HTTP API's way to the consumer groups: asks on the {@link GroupRequest} protocol through the
 * broker's {@link GroupGateway}, each a {@link GroupGateway.Call} with {@code request-timeout} for
 * the gateway's retries, and the ask itself a grace second longer so that the gateway's own timeout
 * answer (which says more) arrives first. A reply's {@link sluice.actors.api.ApiError} fails the
 * stage with its {@link RestException}; a group's own refusals ({@link GroupError}) are answered to
 * the caller, which knows what they mean there. Thread-safe.
 */
final class GroupClient {
  private static final Duration GRACE = Duration.ofSeconds(1);

  private final ActorSystem<?> system;
  private final ActorRef<GroupGateway.Command> groups;
  private final Duration callTimeout;

  GroupClient(ActorSystem<?> system, ActorRef<GroupGateway.Command> groups, HttpSettings settings) {
    this.system = system;
    this.groups = groups;
    this.callTimeout = settings.requestTimeout();
  }

  /** Every group with its state; groups of coordinators that could not be asked are missing. */
  CompletionStage<List<GroupRequest.GroupListing>> list() {
    return this.<GroupRequest.GroupsReply>ask("ListGroups", GroupRequest.ListGroups::new)
        .thenApply(GroupRequest.GroupsReply::groups);
  }

  /** The group, or empty when it does not exist (never did, or was deleted). */
  CompletionStage<Optional<GroupRequest.DescribedGroup>> describe(String group) {
    return this.<GroupRequest.DescribeReply>ask(
            "DescribeGroup", replyTo -> new GroupRequest.DescribeGroup(group, replyTo))
        .thenApply(
            reply -> {
              if (reply.groupError() == GroupError.GROUP_ID_NOT_FOUND
                  || (reply.group() != null && reply.group().state() == GroupState.DEAD)) {
                return Optional.empty();
              }
              if (reply.group() == null) {
                throw new IllegalStateException(
                    "the group gateway described group "
                        + group
                        + " with neither a group nor an error but "
                        + reply.groupError());
              }
              return Optional.of(reply.group());
            });
  }

  /** The group, failing with 404 / 40405 when it does not exist. */
  CompletionStage<GroupRequest.DescribedGroup> describeExisting(String group) {
    return describe(group)
        .thenApply(found -> found.orElseThrow(() -> GroupErrors.groupNotFound(group)));
  }

  /**
   * Commits {@code offsets} as a client outside the group's membership (null member id, epoch -1),
   * which the coordinator accepts only while the group has no members.
   */
  CompletionStage<GroupRequest.PartitionsReply> commitAsOutsider(
      String group, List<GroupRequest.OffsetToCommit> offsets) {
    return ask(
        "CommitOffsets",
        replyTo -> new GroupRequest.CommitOffsets(group, null, -1, offsets, replyTo));
  }

  CompletionStage<GroupRequest.DeleteReply> delete(String group) {
    return ask("DeleteGroup", replyTo -> new GroupRequest.DeleteGroup(group, replyTo));
  }

  private <R extends GroupRequest.Reply> CompletionStage<R> ask(
      String what, Function<ActorRef<R>, GroupRequest<R>> request) {
    Duration askTimeout = callTimeout.plus(GRACE);
    return AskPattern.<GroupGateway.Command, R>ask(
            groups,
            replyTo -> new GroupGateway.Call(request.apply(replyTo), callTimeout.toMillis()),
            askTimeout,
            system.scheduler())
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                Throwable cause =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof TimeoutException) {
                  throw RestException.noAnswer(what, askTimeout);
                }
                throw failure instanceof CompletionException c ? c : new CompletionException(cause);
              }
              if (reply.error() != null) {
                throw RestException.fromApiError(reply.error(), false);
              }
              return reply;
            });
  }
}
