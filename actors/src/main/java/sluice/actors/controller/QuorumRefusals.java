package sluice.actors.controller;

import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.controller.Controller.AlterPartition;
import sluice.actors.controller.Controller.AlterPartitionResult;
import sluice.actors.quorum.QuorumState;

/**
 * The controller's answer to a request that would change metadata while this broker sees no quorum:
 * {@code NO_QUORUM} (retriable, nothing done), saying what was not done and how many configured
 * brokers are reachable out of how many needed. Reads are not refused: describe and list answer
 * from the controller's copy. Stateless.
 */
public final class QuorumRefusals {
  private QuorumRefusals() {}

  /**
   * Answers {@code command} {@code NO_QUORUM} if it would write.
   *
   * @return whether it was answered; false for reads and internal messages
   */
  static boolean refuse(Controller.Command command, QuorumState quorum) {
    if (command instanceof Controller.Admin admin
        && !admin.request().readOnly()
        && admin.request() instanceof AdminRequest.TopicRequest request) {
      request.refuse(quorum.error(notDone(request)));
      return true;
    }
    if (command instanceof Controller.CreateInternalTopic internal) {
      internal.request().refuse(quorum.error(notDone(internal.request())));
      return true;
    }
    if (command instanceof AlterPartition alter) {
      alter
          .replyTo()
          .tell(
              new AlterPartitionResult(
                  null,
                  quorum.error(
                      String.format(
                          "The ISR of %s-%d was not changed", alter.topic(), alter.partition()))));
      return true;
    }
    if (command instanceof Controller.ResignLeadership resign) {
      resign
          .replyTo()
          .tell(
              new AlterPartitionResult(
                  null,
                  quorum.error(
                      String.format(
                          "The leadership of %s-%d did not move",
                          resign.topic(), resign.partition()))));
      return true;
    }
    if (command instanceof Controller.AllocateProducerIds allocate) {
      allocate
          .replyTo()
          .tell(
              new Controller.ProducerIdsAllocated(
                  null,
                  quorum.error(
                      String.format(
                          "No producer ids were allocated to broker %d", allocate.brokerId()))));
      return true;
    }
    return false;
  }

  /**
   * The {@code NO_QUORUM} answer to {@code request}, a topic request that writes, saying what was
   * not done; also given by a gateway that sees no quorum itself, without asking the controller.
   */
  public static ApiError refusal(AdminRequest.TopicRequest request, QuorumState quorum) {
    return quorum.error(notDone(request));
  }

  private static String notDone(AdminRequest.TopicRequest request) {
    if (request instanceof AdminRequest.CreateTopic create) {
      return String.format("Topic '%s' was not created", create.name());
    }
    if (request instanceof AdminRequest.CreatePartitions grow) {
      return String.format("No partitions were added to topic '%s'", grow.name());
    }
    if (request instanceof AdminRequest.DeleteTopic delete) {
      return String.format("Topic '%s' was not deleted", delete.name());
    }
    throw new IllegalArgumentException("Not a request that writes: " + request);
  }
}
