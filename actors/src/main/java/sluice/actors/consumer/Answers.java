package sluice.actors.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sluice.actors.api.ApiError;
import sluice.actors.consumer.InstanceCommand.Assign;
import sluice.actors.consumer.InstanceCommand.Commit;
import sluice.actors.consumer.InstanceCommand.CommittedAnswer;
import sluice.actors.consumer.InstanceCommand.Create;
import sluice.actors.consumer.InstanceCommand.Delete;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.GetAssignment;
import sluice.actors.consumer.InstanceCommand.GetCommitted;
import sluice.actors.consumer.InstanceCommand.GetSubscription;
import sluice.actors.consumer.InstanceCommand.PartitionOffset;
import sluice.actors.consumer.InstanceCommand.PartitionsAnswer;
import sluice.actors.consumer.InstanceCommand.Poll;
import sluice.actors.consumer.InstanceCommand.RecordsAnswer;
import sluice.actors.consumer.InstanceCommand.Seek;
import sluice.actors.consumer.InstanceCommand.SeekTo;
import sluice.actors.consumer.InstanceCommand.Subscribe;
import sluice.actors.consumer.InstanceCommand.TopicsAnswer;
import sluice.actors.consumer.InstanceCommand.Unsubscribe;
import sluice.actors.group.state.Refusal;
import sluice.actors.group.state.TopicPartition;

/** Answers any {@link InstanceCommand} with a {@link Failure}, in the answer type it expects. */
final class Answers {
  private Answers() {}

  static void fail(InstanceCommand command, Failure failure) {
    Done done = new Done(failure);
    if (command instanceof Create c) {
      c.replyTo().tell(done);
    } else if (command instanceof Delete c) {
      c.replyTo().tell(done);
    } else if (command instanceof Subscribe c) {
      c.replyTo().tell(done);
    } else if (command instanceof Unsubscribe c) {
      c.replyTo().tell(done);
    } else if (command instanceof Assign c) {
      c.replyTo().tell(done);
    } else if (command instanceof Seek c) {
      c.replyTo().tell(done);
    } else if (command instanceof SeekTo c) {
      c.replyTo().tell(done);
    } else if (command instanceof Commit c) {
      c.replyTo().tell(done);
    } else if (command instanceof GetSubscription c) {
      c.replyTo().tell(new TopicsAnswer(List.of(), failure));
    } else if (command instanceof GetAssignment c) {
      c.replyTo().tell(new PartitionsAnswer(List.of(), failure));
    } else if (command instanceof Poll c) {
      c.replyTo().tell(new RecordsAnswer(List.of(), failure));
    } else if (command instanceof GetCommitted c) {
      c.replyTo().tell(new CommittedAnswer(List.of(), failure));
    } else if (command instanceof InstanceCommand.GetConfig c) {
      c.replyTo().tell(new InstanceCommand.ConfigAnswer(null, failure));
    }
    // the entity's messages to itself have no one to answer
  }

  /** A request the instance's logic refused. */
  static Failure rejected(Rejection rejection) {
    return Failure.of(
        rejection.kind() == Rejection.Kind.NO_OFFSET
            ? InstanceCommand.Kind.NO_OFFSET
            : InstanceCommand.Kind.ILLEGAL_STATE,
        rejection.message());
  }

  /** Answers a client's read of committed offsets. */
  static void committed(InstanceCalls.CommittedRead read) {
    if (read.failure() != null) {
      read.request()
          .replyTo()
          .tell(
              new CommittedAnswer(
                  List.of(),
                  Failure.broker(ApiError.ofFailedAsk("The group's coordinator", read.failure()))));
    } else if (read.reply().error() != null) {
      read.request()
          .replyTo()
          .tell(new CommittedAnswer(List.of(), Failure.broker(read.reply().error())));
    } else {
      List<PartitionOffset> offsets =
          read.reply().offsets().stream()
              .map(
                  o ->
                      new PartitionOffset(
                          new TopicPartition(o.topic(), o.partition()), o.offset(), o.metadata()))
              .toList();
      read.request().replyTo().tell(new CommittedAnswer(offsets, null));
    }
  }

  /** The partitions a coordinator refused, for a message. */
  static String describe(Map<TopicPartition, Refusal> refused) {
    List<String> parts = new ArrayList<>();
    refused.forEach((tp, r) -> parts.add(tp + " (" + r.error() + ": " + r.message() + ")"));
    return String.join(", ", parts) + ".";
  }
}
