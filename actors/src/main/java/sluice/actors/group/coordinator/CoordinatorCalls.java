package sluice.actors.group.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.gateway.LeaderRetry;
import sluice.actors.group.coordinator.GroupRequest.GroupListing;
import sluice.actors.group.coordinator.GroupRequest.GroupsReply;
import sluice.actors.group.coordinator.GroupRequest.ListGroups;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionAssignment;

/**
 * Takes a {@link GroupRequest} to its coordinator: the leader of the group's partition of {@code
 * __consumer_offsets} (created first if missing) in this broker's metadata view, reached through
 * the Receptionist ({@link GroupCoordinators#serviceKey}), asked again with backoff while it
 * answers a retriable coordinator error ({@code NOT_COORDINATOR}, {@code
 * COORDINATOR_LOAD_IN_PROGRESS}, {@code COORDINATOR_NOT_AVAILABLE}) until the request's deadline,
 * reading the view anew at every try so a moved leader is found.
 *
 * <p>Each ask waits at most the attempt timeout: a coordinator that does not answer by then (its
 * broker died or is cut off with the request in flight) counts as {@code COORDINATOR_NOT_AVAILABLE}
 * and the coordinator is looked up again, so the request moves on to the new one rather than
 * waiting out its whole timeout. The coordinator may have acted on the unanswered ask, so asking
 * again must be harmless, and is: a commit resent is the same commit, a create of an HTTP consumer
 * instance resent under the same member id is accepted, a heartbeat resent is the state machine's
 * lost-answer case. An ask cut short by the request's deadline itself is not repeated and becomes
 * {@code REQUEST_TIMED_OUT}. Safe from any thread.
 */
final class CoordinatorCalls {
  private static final Duration FIND_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final OffsetsTopicCreation topic;
  private final LeaderRetry retry;
  private final Duration attemptTimeout;
  private final Clock clock;
  private final MetadataView view;

  CoordinatorCalls(
      ActorSystem<?> system,
      OffsetsTopicCreation topic,
      LeaderRetry retry,
      Duration attemptTimeout,
      Clock clock) {
    this.system = system;
    this.topic = topic;
    this.retry = retry;
    this.attemptTimeout = attemptTimeout;
    this.clock = clock;
    this.view = MetadataView.get(system);
  }

  /** Whether a coordinator's answer with {@code error} may be asked again. */
  static boolean retriable(ApiError error) {
    return error.code() == ErrorCode.NOT_COORDINATOR
        || error.code() == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
        || error.code() == ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }

  /** {@code request} answered by its group's coordinator, or the last error by the deadline. */
  <R extends GroupRequest.Reply> CompletionStage<R> call(GroupRequest<R> request, long deadline) {
    return retry.call(
        () ->
            topic
                .topic(true)
                .thenCompose(
                    t ->
                        ask(
                            OffsetsTopic.partitionFor(request.groupId(), t.partitions().size()),
                            request,
                            deadline))
                .exceptionally(failure -> request.refused(unavailable(failure))),
        GroupRequest.Reply::error,
        request::refused,
        CoordinatorCalls::retriable,
        "the coordinator of group " + request.groupId(),
        deadline);
  }

  /**
   * Every partition's groups; partitions whose coordinator could not be asked by the deadline are
   * named in the reply's error. No groups (and no topic created) while the topic does not exist.
   */
  CompletionStage<GroupsReply> list(ListGroups request, long deadline) {
    return topic
        .topic(false)
        .thenCompose(
            t -> {
              if (t == null) {
                return CompletableFuture.completedFuture(new GroupsReply(List.of(), null));
              }
              List<CompletableFuture<GroupsReply>> answers = new ArrayList<>();
              for (int p = 0; p < t.partitions().size(); p++) {
                int partition = p;
                answers.add(
                    retry
                        .call(
                            () -> ask(partition, request, deadline),
                            GroupsReply::error,
                            request::refused,
                            CoordinatorCalls::retriable,
                            "the coordinator of " + OffsetsTopic.NAME + "-" + partition,
                            deadline)
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                  .thenApply(done -> merge(answers));
            })
        .exceptionally(failure -> request.refused(unavailable(failure)));
  }

  private static GroupsReply merge(List<CompletableFuture<GroupsReply>> answers) {
    List<GroupListing> groups = new ArrayList<>();
    Set<Integer> failed = new TreeSet<>();
    ApiError last = null;
    for (int p = 0; p < answers.size(); p++) {
      GroupsReply reply = answers.get(p).join();
      groups.addAll(reply.groups());
      if (reply.error() != null) {
        failed.add(p);
        last = reply.error();
      }
    }
    groups.sort(java.util.Comparator.comparing(GroupListing::groupId));
    ApiError error =
        last == null
            ? null
            : ApiError.of(
                last.code(),
                "The groups of %s partitions %s could not be listed; the last error: %s",
                OffsetsTopic.NAME,
                failed,
                last.message());
    return new GroupsReply(groups, error);
  }

  /** One try: the partition's leader in the view now, its coordinators, one ask. */
  private <R extends GroupRequest.Reply> CompletionStage<R> ask(
      int partition, GroupRequest<R> request, long deadline) {
    PartitionAssignment assignment = view.partition(OffsetsTopic.NAME, partition).orElse(null);
    if (assignment == null || assignment.leader() < 0) {
      return CompletableFuture.completedFuture(
          request.refused(
              ApiError.of(
                  ErrorCode.COORDINATOR_NOT_AVAILABLE,
                  "%s-%d has no leader, so its groups have no coordinator",
                  OffsetsTopic.NAME,
                  partition)));
    }
    ServiceKey<GroupCoordinators.Command> key = GroupCoordinators.serviceKey(assignment.leader());
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> Receptionist.find(key, replyTo),
            FIND_TIMEOUT,
            system.scheduler())
        .thenCompose(
            listing -> {
              Set<ActorRef<GroupCoordinators.Command>> found = listing.getServiceInstances(key);
              if (found.isEmpty()) {
                return CompletableFuture.completedFuture(
                    request.refused(
                        ApiError.of(
                            ErrorCode.COORDINATOR_NOT_AVAILABLE,
                            "Broker %d leads %s-%d but its coordinators are not registered here"
                                + " yet",
                            assignment.leader(),
                            OffsetsTopic.NAME,
                            partition)));
              }
              Duration remaining = Duration.ofMillis(Math.max(1, deadline - clock.millis()));
              boolean last = remaining.compareTo(attemptTimeout) <= 0;
              return AskPattern.<GroupCoordinators.Command, R>ask(
                      found.iterator().next(),
                      replyTo ->
                          new GroupCoordinators.Deliver(partition, request.withReplyTo(replyTo)),
                      last ? remaining : attemptTimeout,
                      system.scheduler())
                  .exceptionally(
                      failure -> {
                        if (last || !(cause(failure) instanceof TimeoutException)) {
                          throw new CompletionException(cause(failure));
                        }
                        return request.refused(
                            ApiError.of(
                                ErrorCode.COORDINATOR_NOT_AVAILABLE,
                                "The coordinator of %s-%d on broker %d did not answer within %d ms"
                                    + " (its broker may have died with the request in flight);"
                                    + " looking it up again",
                                OffsetsTopic.NAME,
                                partition,
                                assignment.leader(),
                                attemptTimeout.toMillis()));
                      });
            });
  }

  private static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static ApiError unavailable(Throwable failure) {
    Throwable cause = cause(failure);
    if (cause instanceof OffsetsTopicCreation.Unavailable unavailable) {
      return unavailable.error;
    }
    if (cause instanceof TimeoutException) {
      throw new CompletionException(cause);
    }
    return ApiError.of(
        ErrorCode.COORDINATOR_NOT_AVAILABLE, "%s could not be read: %s", OffsetsTopic.NAME, cause);
  }
}
