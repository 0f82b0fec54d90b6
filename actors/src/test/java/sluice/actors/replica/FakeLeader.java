package sluice.actors.replica;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.storage.log.EpochEndOffset;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;
import sluice.storage.record.RecordBatch;

/**
 * A stand-in partition leader for follower tests: serves {@link ReplicaFetch} from a real {@link
 * PartitionLog} the test writes to, by the contract in {@code PartitionLeader.ReplicaFetch}: the
 * leader epoch is checked, divergence is answered from {@link PartitionLog#endOffsetForEpoch}, the
 * range from the log's start and end, and a fetch at the log end is answered (empty or with what
 * arrived meanwhile) after its {@code maxWaitMs}. Errors queued in {@link #errors} are answered
 * first, one per fetch; before them, {@code unanswered} fetches get no answer at all; {@code
 * corruptServes} answers carry a batch damaged. Every fetch is recorded in {@link Control#received}
 * and sent to {@code fetches} as it is received.
 */
final class FakeLeader {
  private FakeLeader() {}

  /** What the test controls, safe from any thread. */
  static final class Control {
    final PartitionLog log;
    final AtomicInteger leaderEpoch;
    final AtomicLong highWatermark = new AtomicLong();
    final Queue<ErrorCode> errors = new ConcurrentLinkedQueue<>();
    final Queue<ReplicaFetch> received = new ConcurrentLinkedQueue<>();

    /** The corrupt batches followers reported, in arrival order. */
    final Queue<PartitionLeader.CorruptBatchSeen> corruptReports = new ConcurrentLinkedQueue<>();

    /**
     * How many of the next answers carrying the batch at {@link #corruptOffset} carry it with its
     * last byte flipped, as if damaged on the way (its CRC then fails).
     */
    final AtomicInteger corruptServes = new AtomicInteger();

    final AtomicLong corruptOffset = new AtomicLong(-1);

    /** How many of the next fetches to leave unanswered, as if lost on the way. */
    final AtomicInteger unanswered = new AtomicInteger();

    /** Every fetch with when it arrived ({@link System#nanoTime}) and whether it was dropped. */
    final Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();

    Control(PartitionLog log, int leaderEpoch) {
      this.log = log;
      this.leaderEpoch = new AtomicInteger(leaderEpoch);
    }
  }

  /** A fetch as the fake leader received it. */
  record Arrival(ReplicaFetch fetch, long atNanos, boolean dropped) {}

  /** Answers once the messages before it were handled. */
  record Ping(ActorRef<Pong> replyTo) implements CborSerializable {}

  record Pong() implements CborSerializable {}

  private record Parked(ReplicaFetch fetch) implements CborSerializable {}

  static Behavior<Object> create(Control control, ActorRef<ReplicaFetch> fetches) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.receive(Object.class)
                .onMessage(
                    ReplicaFetch.class,
                    fetch -> {
                      control.received.add(fetch);
                      fetches.tell(fetch);
                      boolean drop = control.unanswered.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                      control.arrivals.add(new Arrival(fetch, System.nanoTime(), drop));
                      if (drop) {
                        return Behaviors.same();
                      }
                      ReplicaFetchReply reply = answer(control, fetch, true);
                      if (reply == null) {
                        timers.startSingleTimer(
                            new Parked(fetch), Duration.ofMillis(fetch.maxWaitMs()));
                      } else {
                        fetch.replyTo().tell(reply);
                      }
                      return Behaviors.same();
                    })
                .onMessage(
                    Parked.class,
                    parked -> {
                      parked.fetch().replyTo().tell(answer(control, parked.fetch(), false));
                      return Behaviors.same();
                    })
                .onMessage(
                    PartitionLeader.CorruptBatchSeen.class,
                    seen -> {
                      control.corruptReports.add(seen);
                      return Behaviors.same();
                    })
                .onMessage(
                    Ping.class,
                    ping -> {
                      ping.replyTo().tell(new Pong());
                      return Behaviors.same();
                    })
                .build());
  }

  /** The reply, or null to park a fetch that finds nothing new. */
  private static ReplicaFetchReply answer(Control control, ReplicaFetch fetch, boolean mayPark) {
    PartitionLog log = control.log;
    long logStart = log.logStartOffset();
    long logEnd = log.logEndOffset();
    long highWatermark = control.highWatermark.get();
    ErrorCode injected = control.errors.poll();
    if (injected != null) {
      return failed(highWatermark, logStart, logEnd, injected);
    }
    int epoch = control.leaderEpoch.get();
    if (fetch.currentLeaderEpoch() < epoch) {
      return failed(highWatermark, logStart, logEnd, ErrorCode.FENCED_LEADER_EPOCH);
    }
    if (fetch.currentLeaderEpoch() > epoch) {
      return failed(highWatermark, logStart, logEnd, ErrorCode.UNKNOWN_LEADER_EPOCH);
    }
    if (fetch.fetchOffset() < logStart) {
      // As Kafka's leader: below the log start, whether or not the epochs diverge.
      return failed(highWatermark, logStart, logEnd, ErrorCode.OFFSET_OUT_OF_RANGE);
    }
    if (fetch.lastFetchedEpoch() >= 0) {
      EpochEndOffset end = log.endOffsetForEpoch(fetch.lastFetchedEpoch());
      if (end.isUndefined()
          || end.epoch() < fetch.lastFetchedEpoch()
          || end.endOffset() < fetch.fetchOffset()) {
        return new ReplicaFetchReply(
            new byte[0],
            highWatermark,
            logStart,
            logEnd,
            new Diverging(end.epoch(), end.endOffset()),
            null);
      }
    }
    if (fetch.fetchOffset() > logEnd) {
      return failed(highWatermark, logStart, logEnd, ErrorCode.OFFSET_OUT_OF_RANGE);
    }
    if (fetch.fetchOffset() == logEnd && mayPark && fetch.maxWaitMs() > 0) {
      return null;
    }
    ByteBuffer slice = log.read(fetch.fetchOffset(), fetch.maxBytes(), logEnd).readFully();
    byte[] bytes = new byte[slice.remaining()];
    slice.get(bytes);
    corruptIfAsked(control, bytes);
    return new ReplicaFetchReply(bytes, highWatermark, logStart, logEnd, null, null);
  }

  private static void corruptIfAsked(Control control, byte[] bytes) {
    int position = 0;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
      position += batch.sizeInBytes();
      if (batch.baseOffset() == control.corruptOffset.get()
          && control.corruptServes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        bytes[position - 1] ^= 0x40;
        return;
      }
    }
  }

  private static ReplicaFetchReply failed(
      long highWatermark, long logStart, long logEnd, ErrorCode code) {
    return new ReplicaFetchReply(
        new byte[0],
        highWatermark,
        logStart,
        logEnd,
        null,
        ApiError.of(code, "the fake leader answers %s", code));
  }
}
