package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.AdminRequest.ClusterDescription;
import sluice.actors.api.AdminRequest.TopicReply;
import sluice.actors.api.BrokerInfo;
import sluice.actors.controller.Controller.Admin;
import sluice.actors.controller.Controller.Command;
import sluice.actors.controller.Controller.CreateInternalTopic;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.TopicMetadata;

/**
 * Topic and cluster administration as the serving controller ({@link ControllerServing}) runs it:
 * {@link TopicAdmin} decides, this carries the decision out: the write (through the event loop's
 * {@link Loop}, one write at a time), then the placement of what a creation or partition addition
 * wrote, or the deletion of a deleted topic's partitions on their leaders, then the reply.
 * Describe, list and describe-cluster are answered at once from the store's copy.
 *
 * <p>Requests that write are answered {@code NO_QUORUM} while this broker sees no quorum ({@link
 * QuorumRefusals}) and {@code STALE_CONTROLLER_EPOCH} by a superseded controller, which then fails
 * ({@link EpochFence}). Not thread-safe: part of the controller actor's state.
 */
final class AdminServing {

  /** The event loop's write: runs {@code write}, then {@code then}, one write at a time. */
  interface Loop {
    Behavior<Command> write(
        TopicStore.Write write, Function<WriteOutcome, CompletionStage<?>> then);
  }

  private final Controller.Settings settings;
  private final int brokerId;
  private final String clusterId;
  private final EpochFence fence;
  private final MetadataQuorum quorum;
  private final TopicStore store;
  private final LiveBrokers brokers;
  private final PartitionPlacement placement;
  private final TopicAdmin admin;
  private final Loop loop;

  AdminServing(
      Controller.Wiring wiring,
      String clusterId,
      EpochFence fence,
      TopicStore store,
      LiveBrokers brokers,
      PartitionPlacement placement,
      Loop loop) {
    this.settings = wiring.settings();
    this.brokerId = wiring.brokerId();
    this.quorum = wiring.quorum();
    this.clusterId = clusterId;
    this.fence = fence;
    this.store = store;
    this.brokers = brokers;
    this.placement = placement;
    this.loop = loop;
    this.admin = new TopicAdmin(settings.maxPartitionsPerTopic(), settings.writeTimeout());
  }

  /** The one dispatcher over the administration requests. */
  Behavior<Command> onAdmin(Admin message) {
    if (refusedWithoutQuorum(message)) {
      return Behaviors.same();
    }
    AdminRequest<?> request = message.request();
    if (request instanceof AdminRequest.CreateTopic create) {
      return administer(create.replyTo(), admin.create(create, false, store.topics(), liveIds()));
    } else if (request instanceof AdminRequest.CreatePartitions grow) {
      return administer(grow.replyTo(), admin.grow(grow, store.topics(), liveIds()));
    } else if (request instanceof AdminRequest.DeleteTopic delete) {
      return administer(delete.replyTo(), admin.delete(delete, store.topics()));
    } else if (request instanceof AdminRequest.DescribeTopic describe) {
      describe.replyTo().tell(admin.describe(describe.name(), store.topics()));
    } else if (request instanceof AdminRequest.ListTopics list) {
      list.replyTo().tell(admin.list(store.topics()));
    } else if (request instanceof AdminRequest.DescribeCluster describe) {
      describe.replyTo().tell(describeCluster());
    } else {
      throw new IllegalStateException("Not an administration request: " + request);
    }
    return Behaviors.same();
  }

  Behavior<Command> onCreateInternalTopic(CreateInternalTopic message) {
    if (refusedWithoutQuorum(message)) {
      return Behaviors.same();
    }
    AdminRequest.CreateTopic create = message.request();
    return administer(create.replyTo(), admin.create(create, true, store.topics(), liveIds()));
  }

  private boolean refusedWithoutQuorum(Command command) {
    return !quorum.current().present() && QuorumRefusals.refuse(command, quorum.current());
  }

  /**
   * Answers a refused request at once, or writes; then places what a creation or partition addition
   * wrote, or deletes a deleted topic's partitions on their leaders (at most {@code
   * write-timeout}), and answers.
   */
  private Behavior<Command> administer(ActorRef<TopicReply> replyTo, TopicAdmin.Step step) {
    if (step instanceof TopicAdmin.Answer answer) {
      replyTo.tell(answer.result());
      return Behaviors.same();
    }
    if (fence.superseded()) {
      replyTo.tell(new TopicReply(null, fence.staleError()));
      throw fence.failure();
    }
    TopicStore.Write write = ((TopicAdmin.Write) step).write();
    return loop.write(
        write,
        outcome -> {
          TopicAdmin.Settled settled = admin.settle(write, outcome);
          TopicMetadata deleted = settled.delete();
          if (deleted != null && settled.recordDeleted()) {
            store.recordDeleted(deleted);
          }
          CompletionStage<?> effects =
              deleted != null
                  ? placement.deleteOnLeaders(deleted, settings.writeTimeout())
                  : placement.place(settled.place(), "topics written");
          return effects.whenComplete((done, failure) -> replyTo.tell(settled.result()));
        });
  }

  /** The live brokers as this controller sees them, with itself as the controller. */
  private ClusterDescription describeCluster() {
    List<BrokerInfo> live =
        brokers.live().values().stream()
            .map(BrokerRegistration::info)
            .sorted(Comparator.comparingInt(BrokerInfo::brokerId))
            .toList();
    return new ClusterDescription(clusterId, brokerId, live);
  }

  private SortedSet<Integer> liveIds() {
    return new TreeSet<>(brokers.live().keySet());
  }
}
