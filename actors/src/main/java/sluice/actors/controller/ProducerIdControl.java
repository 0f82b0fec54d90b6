package sluice.actors.controller;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * The controller's producer id allocation, as KRaft's {@code ProducerIdControlManager}: blocks of
 * {@link ProducerIdBlock#SIZE} ids, the first at 0, each starting where the one before ended. A
 * plain state machine: requests and the answers of the store come in, {@link Effect}s go out, which
 * {@link ProducerIdAllocation} carries out against Distributed Data.
 *
 * <p>The rules, and why no id is ever handed out twice:
 *
 * <ul>
 *   <li>{@code next} is the first id of the next block: every id below it may have been handed out.
 *       It is read from a quorum when this controller starts (after it claimed its epoch), and only
 *       grows. A block is {@code [next, next + SIZE)}.
 *   <li>A block is answered only after the mark {@code next + SIZE} is stored with a quorum and the
 *       controller epoch, read back from a quorum, is still this controller's. Of a superseded
 *       controller and its successor, either the successor's read of the mark sees the superseded
 *       one's write (it completed before the read started), or the superseded one's read-back sees
 *       the successor's epoch (it started after that claim was written): quorums intersect. So a
 *       successor never allocates below an answered block.
 *   <li>A write that was not confirmed, or a block whose epoch could not be confirmed, is not
 *       answered, but {@code next} moves above it all the same: the write may have reached some
 *       replicas. A stored mark above {@code next} (the write's compare-and-set found it) moves
 *       {@code next} up to it.
 *   <li>One allocation at a time; requests wait in arrival order.
 * </ul>
 *
 * <p>Not thread-safe: part of the controller actor's state.
 *
 * @param <R> a request for a block (the actor's message; anything in tests)
 */
final class ProducerIdControl<R> {
  /** What the controller must do next. */
  sealed interface Effect<R> {}

  /** Read the stored mark from a quorum; answer {@link #markRead} or {@link #markReadFailed}. */
  record ReadMark<R>() implements Effect<R> {}

  /**
   * Store the mark {@code block.nextBlockFirstId()} with a quorum, refusing if the stored mark is
   * above {@code block.firstProducerId()}; answer {@link #written} or {@link #markMoved}. The block
   * is for {@code request}.
   */
  record WriteMark<R>(ProducerIdBlock block, R request) implements Effect<R> {}

  /** Read the controller epoch from a quorum; answer {@link #confirmed} or {@link #unconfirmed}. */
  record ConfirmEpoch<R>(ProducerIdBlock block) implements Effect<R> {}

  /** Answer {@code request}: exactly one of {@code block} and {@code error} is non-null. */
  record Answer<R>(R request, ProducerIdBlock block, ApiError error) implements Effect<R> {}

  /** A controller with epoch {@code seen} exists: this one must stop. */
  record Superseded<R>(int seen) implements Effect<R> {}

  private enum Phase {
    IDLE,
    READING,
    WRITING,
    CONFIRMING
  }

  private static final long UNKNOWN = -1;

  private final int epoch;
  private final int blockSize;
  private final Deque<R> waiting = new ArrayDeque<>();
  private Phase phase = Phase.IDLE;
  private long next = UNKNOWN;
  private ProducerIdBlock pending;

  /**
   * @param epoch this controller's epoch
   * @param blockSize ids per block ({@link ProducerIdBlock#SIZE}; smaller in tests)
   */
  ProducerIdControl(int epoch, int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("a block holds at least 1 id, not " + blockSize);
    }
    this.epoch = epoch;
    this.blockSize = blockSize;
  }

  /** The first id of the next block, or -1 before the mark was read. */
  long next() {
    return next;
  }

  /** At controller start: read the mark. */
  List<Effect<R>> start() {
    if (phase != Phase.IDLE) {
      throw new IllegalStateException("started twice: " + phase);
    }
    phase = Phase.READING;
    return List.of(new ReadMark<>());
  }

  /** A broker asks for a block. */
  List<Effect<R>> requested(R request) {
    waiting.addLast(request);
    return phase == Phase.IDLE ? startNext() : List.of();
  }

  /**
   * The stored mark, read from a quorum ({@code 0} if none is stored: no id was ever handed out).
   */
  List<Effect<R>> markRead(long stored) {
    expect(Phase.READING);
    next = Math.max(next, stored);
    return startNext();
  }

  /** No quorum answered the read: the waiting requests are refused, the next one reads again. */
  List<Effect<R>> markReadFailed(String why) {
    expect(Phase.READING);
    List<Effect<R>> effects = new ArrayList<>();
    ApiError error =
        ApiError.of(
            ErrorCode.REQUEST_TIMED_OUT,
            "No quorum answered the controller's read of the producer id mark (%s); no producer"
                + " ids were allocated, retry",
            why);
    while (!waiting.isEmpty()) {
      effects.add(new Answer<>(waiting.removeFirst(), null, error));
    }
    phase = Phase.IDLE;
    return effects;
  }

  /**
   * The mark's write ended without a compare-and-set refusal: confirmed by a quorum, or not (then
   * the block is not answered, and the next starts above it).
   */
  List<Effect<R>> written(WriteOutcome outcome, Duration writeTimeout) {
    expect(Phase.WRITING);
    ProducerIdBlock block = pending;
    next = Math.max(next, block.nextBlockFirstId());
    if (outcome instanceof WriteOutcome.Written) {
      phase = Phase.CONFIRMING;
      return List.of(new ConfirmEpoch<>(block));
    }
    String what = "Producer ids " + block + " are reserved";
    String retry = "they are not handed out; retry, the next block starts above them";
    ApiError error =
        outcome instanceof WriteOutcome.Refused refused
            ? ApiError.of(
                ErrorCode.REQUEST_TIMED_OUT,
                "%s but the write of the mark was refused (%s); %s",
                what,
                refused.reason(),
                retry)
            : outcome.error(what, retry, writeTimeout, null);
    return answerHeadThenNext(null, error);
  }

  /** The write's compare-and-set found {@code stored} above the block: allocate from there. */
  List<Effect<R>> markMoved(long stored) {
    expect(Phase.WRITING);
    next = Math.max(next, stored);
    return startNext();
  }

  /** The controller epoch, read back from a quorum after the mark was stored. */
  List<Effect<R>> confirmed(int storedEpoch) {
    expect(Phase.CONFIRMING);
    if (storedEpoch > epoch) {
      List<Effect<R>> effects = new ArrayList<>();
      ApiError stale =
          ApiError.of(
              ErrorCode.STALE_CONTROLLER_EPOCH,
              "Controller epoch %d was superseded by epoch %d; no producer ids were allocated,"
                  + " retry: the new controller answers",
              epoch,
              storedEpoch);
      while (!waiting.isEmpty()) {
        effects.add(new Answer<>(waiting.removeFirst(), null, stale));
      }
      effects.add(new Superseded<>(storedEpoch));
      phase = Phase.IDLE;
      return effects;
    }
    if (storedEpoch < epoch) {
      throw new IllegalStateException(
          "A quorum holds controller epoch "
              + storedEpoch
              + " below this controller's "
              + epoch
              + ", which it wrote to a quorum before serving");
    }
    return answerHeadThenNext(pending, null);
  }

  /** The epoch could not be read back: the block is not answered (its ids stay reserved). */
  List<Effect<R>> unconfirmed(String why) {
    expect(Phase.CONFIRMING);
    return answerHeadThenNext(
        null,
        ApiError.of(
            ErrorCode.REQUEST_TIMED_OUT,
            "Producer ids %s were reserved but no quorum confirmed controller epoch %d (%s); they"
                + " are not handed out, retry",
            pending,
            epoch,
            why));
  }

  private List<Effect<R>> answerHeadThenNext(ProducerIdBlock block, ApiError error) {
    List<Effect<R>> effects = new ArrayList<>();
    effects.add(new Answer<>(waiting.removeFirst(), block, error));
    pending = null;
    effects.addAll(startNext());
    return effects;
  }

  private List<Effect<R>> startNext() {
    pending = null;
    if (waiting.isEmpty()) {
      phase = Phase.IDLE;
      return List.of();
    }
    if (next == UNKNOWN) {
      phase = Phase.READING;
      return List.of(new ReadMark<>());
    }
    if (next > Long.MAX_VALUE - blockSize) {
      // As Kafka: a fatal error; no id is ever handed out twice, so there is nothing to give.
      List<Effect<R>> effects = new ArrayList<>();
      ApiError exhausted =
          ApiError.of(
              ErrorCode.UNKNOWN_SERVER_ERROR,
              "Every producer id has been allocated: the next block would start at %d",
              next);
      while (!waiting.isEmpty()) {
        effects.add(new Answer<>(waiting.removeFirst(), null, exhausted));
      }
      phase = Phase.IDLE;
      return effects;
    }
    phase = Phase.WRITING;
    pending = new ProducerIdBlock(next, blockSize);
    return List.of(new WriteMark<>(pending, waiting.peekFirst()));
  }

  private void expect(Phase expected) {
    if (phase != expected) {
      throw new IllegalStateException(
          "Producer id allocation is " + phase + ", not " + expected + " as the answer expects");
    }
  }
}
