package sluice.actors.journal;

import akka.actor.typed.javadsl.Adapter;
import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.japi.AsyncWriteJournal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.journal.BatchEvent.BatchReplayed;
import sluice.storage.log.BatchCursor;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/**
 * The akka-persistence journal of partition leaders, over their {@link PartitionLog}s: the
 * persistence id is {@code topic-partition}, each event is one record batch, and the event's
 * sequence number is the batch's sequence number in the log. There is no journal file of its own;
 * the segment files are the journal.
 *
 * <p><b>Write.</b> Each event must be a {@link BatchAppended} whose sequence number is the log's
 * {@link PartitionLog#lastSequence()} + 1 (else the write fails and nothing of that event is
 * written). The batches of one {@link AtomicWrite} (one {@code persist(List)}) are appended one
 * after the other and the log's flush policy ({@code flush.messages}, {@code flush.ms}) applies as
 * they go; if one append fails, those of the same AtomicWrite already appended are truncated away
 * again, so the write is all or nothing as akka expects. Any other payload is rejected, which akka
 * reports to the writer as a rejection.
 *
 * <p><b>Replay</b> reads batch headers only ({@link PartitionLog#batchHeadersFrom}) and emits
 * {@link BatchReplayed} events, never payloads. Batches removed by retention take their sequence
 * numbers with them, so a replay may start above the requested sequence number.
 *
 * <p><b>Highest sequence number</b> is the log's {@code lastSequence()}: it survives restarts and
 * retention and follows {@code truncateTo}, so a leader stopped, truncated and started again
 * continues right after the cut (its snapshots above the cut must be deleted first; {@link
 * SegmentSnapshotStore} ignores and removes those above the log's end).
 *
 * <p><b>Threading.</b> Every call runs to completion on the journal actor (on the default
 * dispatcher unless {@code sluice.journal.plugin-dispatcher} says otherwise, see {@code
 * reference.conf}), so writes are ordered: per persistence id and overall. The returned futures are
 * already completed. Messages are deletable only by retention: {@code deleteMessagesTo} fails.
 */
public final class SegmentJournal extends AsyncWriteJournal {
  private final Logs logs;

  public SegmentJournal() {
    this.logs = Logs.get(Adapter.toTyped(context().system()));
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    try {
      for (AtomicWrite write : messages) {
        results.add(write(write));
      }
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
    return Futures.successful(results);
  }

  /** Appends one AtomicWrite; a rejection if it holds anything but batches, an exception on I/O. */
  private Optional<Exception> write(AtomicWrite write) {
    String persistenceId = write.persistenceId();
    List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
    for (PersistentRepr event : events) {
      if (!(event.payload() instanceof BatchAppended)) {
        return Optional.of(
            new IllegalArgumentException(
                "The segment journal stores record batches only (BatchEvent.BatchAppended), not "
                    + event.payload().getClass().getName()
                    + " (persistence id "
                    + persistenceId
                    + ", sequence number "
                    + event.sequenceNr()
                    + ")"));
      }
    }
    PartitionLog log = logs.get(persistenceId);
    long first = events.get(0).sequenceNr();
    if (first != log.lastSequence() + 1) {
      throw new IllegalStateException(
          "Sequence number "
              + first
              + " of "
              + persistenceId
              + " does not follow the log's last batch sequence "
              + log.lastSequence());
    }
    long startOffset = log.logEndOffset();
    try {
      for (PersistentRepr event : events) {
        byte[] bytes = ((BatchAppended) event.payload()).batch();
        long sequence = log.append(RecordBatch.wrap(ByteBuffer.wrap(bytes)));
        if (sequence != event.sequenceNr()) {
          throw new IllegalStateException(
              "The log of "
                  + persistenceId
                  + " gave batch sequence "
                  + sequence
                  + " to the event with sequence number "
                  + event.sequenceNr());
        }
      }
    } catch (RuntimeException e) {
      rollBack(log, persistenceId, startOffset, e);
      logs.health().reportFailure(persistenceId, e);
      throw e;
    }
    logs.recordWrite(persistenceId, events.size());
    return Optional.empty();
  }

  /**
   * Makes a failed AtomicWrite all-or-nothing: the batches it already appended are cut off again,
   * so a write the leader saw fail never shows up after recovery.
   */
  private static void rollBack(
      PartitionLog log, String persistenceId, long startOffset, RuntimeException failure) {
    try {
      if (log.logEndOffset() > startOffset) {
        log.truncateTo(startOffset);
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(
          new IllegalStateException(
              "Could not roll " + persistenceId + " back to offset " + startOffset, e));
    }
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return Futures.failed(
        new UnsupportedOperationException(
            "Batches of "
                + persistenceId
                + " are deleted by the topic's retention (retention.ms, retention.bytes), not"
                + " through akka-persistence (asked to delete up to sequence number "
                + toSequenceNr
                + ")"));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    try {
      PartitionLog log = logs.get(persistenceId);
      long replayed = 0;
      BatchCursor batches = log.batchHeadersFrom(fromSequenceNr);
      while (replayed < max && batches.next() && batches.sequence() <= toSequenceNr) {
        replayCallback.accept(
            PersistentRepr.apply(
                new BatchReplayed(batches.header()),
                batches.sequence(),
                persistenceId,
                "",
                false,
                null,
                ""));
        replayed++;
      }
      logs.recordReplay(persistenceId, replayed);
      return Futures.successful(null);
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    try {
      return Futures.successful(logs.get(persistenceId).lastSequence());
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
  }
}
