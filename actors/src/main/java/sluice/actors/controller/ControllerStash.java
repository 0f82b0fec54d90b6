package sluice.actors.controller;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller.AlterPartition;
import sluice.actors.controller.Controller.AlterPartitionResult;
import sluice.actors.controller.Controller.Command;

/**
 * The controller's stash: requests that wait while the controller starts or while a write runs,
 * served in arrival order when it is ready. It holds at most {@code stash-capacity} requests; a
 * request that finds it full is answered at once with {@code REQUEST_TIMED_OUT}, never dropped.
 *
 * <p>Why {@code REQUEST_TIMED_OUT}: it is what Kafka's KRaft controller answers for an operation
 * that could not be run in time because its event queue was behind, and it is retriable, so a
 * client (and a partition leader proposing an ISR change) tries again after a backoff, by when the
 * controller has caught up; the request was not run, so repeating it is safe.
 *
 * <p>{@code ListTopics} and {@code DescribeCluster} have no error in their replies: one that finds
 * the stash full is logged and left to its asker's timeout (the gateway then answers a list from
 * its local replica). Both are stashed only while the controller starts; once it serves, reads are
 * answered at once.
 *
 * <p>Internal messages are never refused: they have {@link #INTERNAL_RESERVE} places beyond the
 * requests' capacity. While serving, the controller stashes none (it handles every internal message
 * in every state, and merges election requests that come during a write into one that runs after
 * it); while it starts, only answers to a previous incarnation can arrive, and the restart reloads
 * what they carried. Overflowing the reserve therefore breaks an invariant: an {@link
 * IllegalStateException} fails the controller, whose restart reloads everything.
 *
 * <p>Not thread-safe: only the controller actor uses it.
 */
final class ControllerStash {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerStash.class);

  /** Places kept for internal messages beyond the requests' capacity. */
  static final int INTERNAL_RESERVE = 100;

  private final StashBuffer<Command> buffer;
  private final int capacity;

  /**
   * @param buffer a stash buffer of {@code capacity + INTERNAL_RESERVE} places
   * @param capacity the most requests it holds
   */
  ControllerStash(StashBuffer<Command> buffer, int capacity) {
    this.buffer = buffer;
    this.capacity = capacity;
  }

  /** Stashes {@code command}, or answers it with a retriable error if the stash is full. */
  Behavior<Command> stash(Command command) {
    if (command instanceof Controller.Internal) {
      if (buffer.isFull()) {
        throw new IllegalStateException(
            "The controller stash holds "
                + buffer.size()
                + " messages, its internal reserve is used up; dropping "
                + command
                + " would lose it");
      }
      buffer.stash(command);
    } else if (buffer.size() >= capacity) {
      refuse(command);
    } else {
      buffer.stash(command);
    }
    return Behaviors.same();
  }

  /** Serves the stashed messages with {@code behavior}, in arrival order. */
  Behavior<Command> unstashAll(Behavior<Command> behavior) {
    return buffer.unstashAll(behavior);
  }

  private void refuse(Command request) {
    ApiError busy =
        ApiError.of(
            ErrorCode.REQUEST_TIMED_OUT,
            "The controller has %d requests waiting, its most (sluice.controller.stash-capacity);"
                + " nothing was done, retry after a backoff",
            capacity);
    LOG.warn("Controller stash full ({} requests): answering {} with {}", capacity, request, busy);
    if (request instanceof Controller.Admin r
        && r.request() instanceof AdminRequest.TopicRequest topic) {
      topic.refuse(busy);
    } else if (request instanceof Controller.CreateInternalTopic r) {
      r.request().refuse(busy);
    } else if (request instanceof AlterPartition r) {
      r.replyTo().tell(new AlterPartitionResult(null, busy));
    } else if (request instanceof Controller.AllocateProducerIds r) {
      r.replyTo().tell(new Controller.ProducerIdsAllocated(null, busy));
    } else {
      LOG.warn("{} has no error reply: left to its asker's timeout", request);
    }
  }
}
