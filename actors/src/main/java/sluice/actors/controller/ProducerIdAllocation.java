package sluice.actors.controller;

import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.controller.Controller.AllocateProducerIds;
import sluice.actors.controller.Controller.ProducerIdsAllocated;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.ProducerIdsKey;
import sluice.actors.metadata.ProducerIdsKey.ProducerIdsRecord;

/**
 * The controller's only door to the producer id mark ({@link ProducerIdsKey}): it carries out what
 * {@link ProducerIdControl} decides (read the mark from a quorum, store a raised mark with a quorum
 * as a compare-and-set, read the controller epoch back from a quorum, answer the broker) and feeds
 * the replicator's answers back to it. Allocation runs beside the topic writes, not in their
 * one-at-a-time loop: it writes another key, and the control runs one allocation at a time itself.
 *
 * <p>Not thread-safe: part of the controller actor; the replicator's answers come as {@link Step}s
 * on the actor's thread.
 */
final class ProducerIdAllocation {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerIdAllocation.class);

  /** An answer of the replicator to one of this class's requests. */
  sealed interface Step extends Controller.Internal {}

  private record MarkRead(Replicator.GetResponse<LWWRegister<ProducerIdsRecord>> response)
      implements Step {}

  private record MarkWritten(
      ProducerIdBlock block, Replicator.UpdateResponse<LWWRegister<ProducerIdsRecord>> response)
      implements Step {}

  private record EpochRead(ProducerIdBlock block, Replicator.GetResponse<LWWRegister<Integer>> read)
      implements Step {}

  /** Thrown in the replicator by the mark's compare-and-set: the stored mark is above the block. */
  private static final class MarkMoved extends RuntimeException {
    final long stored;

    MarkMoved(long stored, ProducerIdBlock block) {
      super("the stored mark " + stored + " is above block " + block, null, false, false);
      this.stored = stored;
    }
  }

  private final int epoch;
  private final Duration writeTimeout;
  private final MetadataQuorum quorum;
  private final SelfUniqueAddress node;
  private final ReplicatorMessageAdapter<Controller.Command, LWWRegister<ProducerIdsRecord>> marks;
  private final ReplicatorMessageAdapter<Controller.Command, LWWRegister<Integer>> epochs;
  private final ProducerIdControl<AllocateProducerIds> control;

  ProducerIdAllocation(
      ActorContext<Controller.Command> context,
      Controller.Settings settings,
      MetadataQuorum quorum,
      int epoch,
      int blockSize) {
    this.epoch = epoch;
    this.writeTimeout = settings.writeTimeout();
    this.quorum = quorum;
    var replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    Duration guard = settings.writeTimeout().plus(settings.readTimeout());
    this.marks = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.epochs = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.node = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.control = new ProducerIdControl<>(epoch, blockSize);
  }

  /** Reads the mark, so the first block is answered without that read. */
  void start() {
    run(control.start());
  }

  /** A broker's request; answered once a block is stored, or refused. */
  void request(AllocateProducerIds request) {
    run(control.requested(request));
  }

  /**
   * Takes an answer of the replicator.
   *
   * @return the higher controller epoch found, if this controller is superseded
   */
  OptionalInt step(Step step) {
    if (step instanceof MarkRead read) {
      var response = read.response();
      if (response instanceof Replicator.GetSuccess<LWWRegister<ProducerIdsRecord>> success) {
        long stored = success.get(ProducerIdsKey.KEY).getValue().nextProducerId();
        LOG.info("Producer id mark read: the next block starts at {}", stored);
        return run(control.markRead(stored));
      }
      if (response instanceof Replicator.NotFound) {
        return run(control.markRead(0));
      }
      LOG.warn("Reading the producer id mark from a quorum failed: {}", response);
      return run(control.markReadFailed(response.toString()));
    }
    if (step instanceof MarkWritten written) {
      if (written.response() instanceof Replicator.ModifyFailure<?> failure
          && failure.cause() instanceof MarkMoved moved) {
        LOG.info("Producer id mark moved: {}; allocating above it", moved.getMessage());
        return run(control.markMoved(moved.stored));
      }
      WriteOutcome outcome = WriteOutcome.of(written.response());
      if (!(outcome instanceof WriteOutcome.Written)) {
        LOG.warn("Storing the producer id mark above {} ended with {}", written.block(), outcome);
      }
      return run(control.written(outcome, writeTimeout));
    }
    var read = ((EpochRead) step).read();
    if (read instanceof Replicator.GetSuccess<LWWRegister<Integer>> success) {
      return run(control.confirmed(success.get(ControllerEpochKey.KEY).getValue()));
    }
    LOG.warn("Reading the controller epoch back after storing a producer id mark: {}", read);
    return run(control.unconfirmed(read.toString()));
  }

  private OptionalInt run(List<ProducerIdControl.Effect<AllocateProducerIds>> effects) {
    OptionalInt superseded = OptionalInt.empty();
    for (var effect : effects) {
      if (effect instanceof ProducerIdControl.ReadMark<AllocateProducerIds>) {
        marks.askGet(
            replyTo -> new Replicator.Get<>(ProducerIdsKey.KEY, quorum.read(), replyTo),
            MarkRead::new);
      } else if (effect instanceof ProducerIdControl.WriteMark<AllocateProducerIds> write) {
        writeMark(write.block(), write.request().brokerId());
      } else if (effect instanceof ProducerIdControl.ConfirmEpoch<AllocateProducerIds> confirm) {
        epochs.askGet(
            replyTo -> new Replicator.Get<>(ControllerEpochKey.KEY, quorum.read(), replyTo),
            read -> new EpochRead(confirm.block(), read));
      } else if (effect instanceof ProducerIdControl.Answer<AllocateProducerIds> answer) {
        if (answer.block() != null) {
          LOG.info(
              "Producer ids {} allocated to broker {} (controller epoch {})",
              answer.block(),
              answer.request().brokerId(),
              epoch);
        }
        answer.request().replyTo().tell(new ProducerIdsAllocated(answer.block(), answer.error()));
      } else {
        superseded = OptionalInt.of(((ProducerIdControl.Superseded<?>) effect).seen());
      }
    }
    return superseded;
  }

  private void writeMark(ProducerIdBlock block, int brokerId) {
    ProducerIdsRecord raised = new ProducerIdsRecord(block.nextBlockFirstId(), epoch, brokerId);
    marks.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                ProducerIdsKey.KEY,
                LWWRegister.create(node, new ProducerIdsRecord(0, epoch, -1), ProducerIdsKey.CLOCK),
                quorum.write(),
                replyTo,
                register -> {
                  long stored = register.getValue().nextProducerId();
                  if (stored > block.firstProducerId()) {
                    throw new MarkMoved(stored, block);
                  }
                  return register.withValue(node, raised, ProducerIdsKey.CLOCK);
                }),
        response -> new MarkWritten(block, response));
  }
}
