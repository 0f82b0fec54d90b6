package sluice.actors.replica;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.BatchEvent;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.actors.replica.PartitionFollower.Assignment;
import sluice.actors.replica.PartitionFollower.Truncation;
import sluice.storage.log.EpochEndOffset;
import sluice.storage.log.EpochEntry;
import sluice.storage.log.FollowerTruncation;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

/**
 * What a {@link PartitionFollower} does with its leader's answer to a fetch: append the batches,
 * cut its log, drop epochs that never wrote, or back off and ask again. Pure: it reads only the
 * values it is given, and the follower carries out the outcome.
 *
 * <p>The rules (Kafka's follower, KIP-101 and KIP-279): batches must be whole valid v2 batches, the
 * first at the log end, each right after the one before. A batch that is not (a CRC that fails, as
 * after a byte flipped on the leader's disk or on the way) is never written, nor anything after it:
 * the valid batches before it are, and the follower fetches again from its offset after a backoff
 * ({@link AppendPrefix}), so a batch damaged once arrives whole the next time. A divergence is
 * decided by {@link FollowerTruncation#decide}, never to the high watermark: a cut below the log
 * end needs the persistent writer stopped ({@link Cut}); a cut at the log end only drops epoch
 * entries assigned there that never wrote ({@link DropUnwrittenEpochs}: no batch and no sequence
 * number moves). A log end below the leader's log start restarts the log empty there; {@code
 * OFFSET_OUT_OF_RANGE} above the leader's log end cuts to it. Anything else is retried ({@link
 * Retry}).
 */
final class FetchReplyRule {
  private FetchReplyRule() {}

  /** Where the follower's log stands when the answer comes. */
  record LogPosition(long logEndOffset, int latestEpoch, List<EpochEntry> epochs) {
    static LogPosition of(PartitionLog log) {
      return new LogPosition(log.logEndOffset(), log.latestEpoch(), log.leaderEpochs());
    }
  }

  /** What the follower does next. */
  sealed interface Outcome {}

  /**
   * Persists {@code events} (none: nothing new) in one write, then sets the high watermark to
   * min(the leader's, own log end) and fetches again at once.
   */
  record Append(List<BatchEvent> events, long leaderHighWatermark) implements Outcome {}

  /**
   * Persists {@code events}, the valid batches before a bad one (maybe none), then sets the high
   * watermark as {@link Append} does, backs off and fetches again from {@code refetchFrom}, the bad
   * batch's offset; {@code reason} names the leader, the offset and what failed (both CRCs).
   */
  record AppendPrefix(
      List<BatchEvent> events, long leaderHighWatermark, long refetchFrom, String reason)
      implements Outcome {}

  /** Stops to have the log cut as {@code truncation} says. */
  record Cut(Truncation truncation) implements Outcome {}

  /** Truncates the log to its own end in place (drops epochs there that never wrote). */
  record DropUnwrittenEpochs(String reason) implements Outcome {}

  /** Backs off and fetches again; {@code reason} is logged, as a warning if {@code unexpected}. */
  record Retry(String reason, boolean unexpected) implements Outcome {}

  /** The outcome of {@code reply} to a fetch at {@code log}'s end, following {@code assignment}. */
  static Outcome decide(Assignment assignment, LogPosition log, ReplicaFetchReply reply) {
    long logEnd = log.logEndOffset();
    if (reply.error() != null) {
      return onError(assignment, logEnd, reply);
    }
    if (reply.diverging() != null) {
      if (logEnd < reply.logStartOffset()) {
        return new Cut(startOver(assignment, logEnd, reply.logStartOffset()));
      }
      return onDiverging(assignment, log, reply.diverging());
    }
    Appendable appendable = appendable(reply.batches(), logEnd);
    if (appendable.problem() == null) {
      return new Append(appendable.events(), reply.highWatermark());
    }
    return new AppendPrefix(
        appendable.events(),
        reply.highWatermark(),
        appendable.next(),
        "broker "
            + assignment.leaderId()
            + " answered the fetch at offset "
            + logEnd
            + " with a batch at offset "
            + appendable.next()
            + " that cannot be appended: "
            + appendable.problem());
  }

  private static Outcome onError(Assignment assignment, long fetchOffset, ReplicaFetchReply reply) {
    ApiError error = reply.error();
    if (error.code() == ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (fetchOffset < reply.logStartOffset()) {
        return new Cut(startOver(assignment, fetchOffset, reply.logStartOffset()));
      }
      if (reply.logEndOffset() >= 0 && fetchOffset > reply.logEndOffset()) {
        return new Cut(
            new Truncation(
                assignment,
                reply.logEndOffset(),
                false,
                "the log end "
                    + fetchOffset
                    + " is above the leader's log end offset "
                    + reply.logEndOffset()));
      }
    }
    return new Retry(
        "broker "
            + assignment.leaderId()
            + " refused the fetch at offset "
            + fetchOffset
            + ": "
            + error.code()
            + " "
            + error.message(),
        false);
  }

  /** Everything goes: the leader no longer has the offsets after this log's end (retention). */
  private static Truncation startOver(Assignment assignment, long logEnd, long leaderLogStart) {
    return new Truncation(
        assignment,
        leaderLogStart,
        true,
        "the log end " + logEnd + " is below the leader's log start offset " + leaderLogStart);
  }

  /** Where the logs part, by the leader-epoch rule; never the high watermark. */
  private static Outcome onDiverging(Assignment assignment, LogPosition log, Diverging diverging) {
    List<EpochEntry> epochs = log.epochs();
    long logEnd = log.logEndOffset();
    FollowerTruncation.Decision decision =
        FollowerTruncation.decide(
            epochs, logEnd, new EpochEndOffset(diverging.epoch(), diverging.endOffset()));
    String reason =
        "the leader's epoch "
            + diverging.epoch()
            + " ends at offset "
            + diverging.endOffset()
            + ", the follower's latest epoch is "
            + log.latestEpoch();
    long offset;
    if (decision instanceof FollowerTruncation.TruncateTo cut) {
      offset = cut.offset();
    } else if (decision instanceof FollowerTruncation.TruncateAndAskAgain cut) {
      offset = cut.offset();
    } else {
      return new Retry(
          "truncates nothing ("
              + reason
              + "): "
              + ((FollowerTruncation.Undecided) decision).reason(),
          false);
    }
    if (offset < logEnd) {
      return new Cut(new Truncation(assignment, offset, false, reason));
    }
    if (!epochs.isEmpty() && epochs.get(epochs.size() - 1).startOffset() >= logEnd) {
      // An epoch assigned at the log end that never wrote (this broker led it): dropping it moves
      // no batch and no sequence number, so it is safe under the running writer.
      return new DropUnwrittenEpochs(reason);
    }
    return new Retry(
        "broker "
            + assignment.leaderId()
            + " reports a divergence at log end "
            + logEnd
            + " but nothing is to be cut ("
            + reason
            + ")",
        true);
  }

  /**
   * The valid prefix of a reply's batches as events, and why it ends early, if it does.
   *
   * @param next the offset after the prefix: where a bad batch is, or the new log end
   * @param problem why the batch at {@code next} cannot be appended, or null if all could be
   */
  record Appendable(List<BatchEvent> events, long next, String problem) {}

  /**
   * The batches of a reply as events, checked one by one up to the first bad one: whole valid v2
   * batches (magic, CRC, lengths), the first at {@code logEndOffset}, each right after the one
   * before.
   */
  static Appendable appendable(byte[] bytes, long logEndOffset) {
    List<BatchEvent> events = new ArrayList<>();
    long next = logEndOffset;
    if (bytes == null) {
      return new Appendable(events, next, null);
    }
    try {
      for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
        if (batch.baseOffset() != next) {
          return new Appendable(
              events,
              next,
              "batch at offset " + batch.baseOffset() + " where offset " + next + " was expected");
        }
        batch.ensureValid();
        ByteBuffer buffer = batch.buffer();
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        events.add(new BatchAppended(copy));
        next = batch.nextOffset();
      }
    } catch (CorruptRecordException | IllegalArgumentException e) {
      return new Appendable(events, next, e.getMessage());
    }
    return new Appendable(events, next, null);
  }
}
