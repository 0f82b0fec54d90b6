package sluice.actors.gateway;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.gateway.PartitionLeaders.Appended;
import sluice.storage.producer.ProducerStates;
import sluice.storage.record.RecordBatch;

/**
 * The gateway as an idempotent producer on one partition (KIP-98): every batch the gateway sends
 * there carries a producer id of this partition's own and the next sequence, at most {@value
 * #MAX_IN_FLIGHT} batches are in flight, sent in sequence order, and a batch whose answer says it
 * may be written or not (a moving or lost leader, a timeout, too few in-sync replicas) is sent
 * again as it was, so the leader stores it once and answers with its offsets. A resend goes back to
 * the first unanswered batch and sends everything from there in order again (the batches after it
 * are refused out of order meanwhile, or answered as duplicates), so batches are never reordered: a
 * streamed produce and a request split to fit {@code max.message.bytes} keep their order.
 *
 * <p>Whenever the partition may no longer follow the numbering (a batch refused out of order or
 * fenced with nothing before it unanswered, a batch refused for good, a batch given up at its
 * deadline whose fate is unknown) the partition gets a fresh producer id and the unanswered batches
 * are numbered from 0 under it: a partition accepts an unknown producer at any sequence, so this
 * always converges. Only the last case can write a batch twice: one given up at its deadline was
 * maybe written, and a batch after it that was also sent under the old id is sent again under the
 * new one. Ids are cheap (64 bits, blocks of 1000 from the controller).
 *
 * <p>Thread-safe: answers arrive on any thread; every method runs under this object's lock, and the
 * sends and completions happen outside it.
 */
final class PartitionSequencer {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionSequencer.class);

  /** Kafka's {@code max.in.flight.requests.per.connection} limit for an idempotent producer. */
  static final int MAX_IN_FLIGHT = 5;

  /** Sends one stamped batch to the partition's leader. */
  interface Sender {
    CompletionStage<Appended> send(byte[] batch, Acks acks, long timeoutMs);
  }

  /** One batch until it is answered. */
  private static final class Entry {
    final byte[] planned;
    final int records;
    final Acks acks;
    final long timeoutMs;
    final long deadlineMillis;
    final CompletableFuture<Appended> answer = new CompletableFuture<>();
    ProducerIdAndEpoch producer;
    int sequence;
    boolean inFlight;

    /** To be sent (again) with its current stamp. */
    boolean needsSend;

    /** Sent at least once, under any stamp: given up, it may or may not be written. */
    boolean everSent;

    Entry(byte[] planned, int records, Acks acks, long timeoutMs, long deadlineMillis) {
      this.planned = planned;
      this.records = records;
      this.acks = acks;
      this.timeoutMs = timeoutMs;
      this.deadlineMillis = deadlineMillis;
    }
  }

  private final String topicPartition;
  private final Sender sender;
  private final Supplier<CompletionStage<ProducerIdAndEpoch>> producerIds;
  private final Clock clock;
  private final Pauses pauses;
  private final Duration firstBackoff;
  private final Duration maxBackoff;

  /** The pause before the next resend: doubled after each, back to the first after a success. */
  private Duration backoff;

  /** The unanswered batches, in sequence order. */
  private final Deque<Entry> entries = new ArrayDeque<>();

  /**
   * Sends and completions decided under the lock, run after it in the order decided, by one thread
   * at a time ({@link #drain}): a send whose answer comes at once, on the sending thread, cannot
   * overtake the sends decided before it.
   */
  private final Deque<Runnable> outbox = new ArrayDeque<>();

  private boolean draining;

  private ProducerIdAndEpoch producer;
  private boolean askingForId;
  private int nextSequence;
  private int inFlight;

  /** A batch must be sent again: nothing is sent until the batches in flight are answered. */
  private boolean rewinding;

  private boolean pausing;
  private long freshIds;

  /**
   * Whether the partition acknowledged a batch under the current producer id: until then one batch
   * goes at a time, since a partition accepts an unknown producer at any sequence and a later batch
   * overtaking the first would be stored before it.
   */
  private boolean confirmed;

  PartitionSequencer(
      String topicPartition,
      Sender sender,
      Supplier<CompletionStage<ProducerIdAndEpoch>> producerIds,
      Clock clock,
      Pauses pauses,
      Duration firstBackoff,
      Duration maxBackoff) {
    this.topicPartition = topicPartition;
    this.sender = sender;
    this.producerIds = producerIds;
    this.clock = clock;
    this.pauses = pauses;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
    this.backoff = firstBackoff;
  }

  /**
   * Sends the planned batch ({@code records} records, no producer yet) after every batch given
   * before it, until it is answered or {@code deadlineMillis} passes on this sequencer's clock.
   */
  CompletionStage<Appended> append(
      byte[] planned, int records, Acks acks, long timeoutMs, long deadlineMillis) {
    Entry entry = new Entry(planned, records, acks, timeoutMs, deadlineMillis);
    synchronized (this) {
      entries.addLast(entry);
      if (producer != null) {
        stamp(entry);
      }
      pump();
    }
    drain();
    return entry.answer;
  }

  /** How many times this partition was given a fresh producer id after the first. */
  synchronized long freshIds() {
    return freshIds;
  }

  private void stamp(Entry entry) {
    entry.producer = producer;
    entry.sequence = nextSequence;
    entry.needsSend = true;
    nextSequence = ProducerStates.lastSequenceOf(nextSequence, entry.records - 1) + 1;
    if (nextSequence < 0) {
      nextSequence = 0; // past Integer.MAX_VALUE the sequence wraps to 0, as Kafka's
    }
  }

  /** Runs what the outbox holds, in order, unless a thread already does. */
  private void drain() {
    synchronized (this) {
      if (draining) {
        return;
      }
      draining = true;
    }
    while (true) {
      Runnable next;
      synchronized (this) {
        next = outbox.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      next.run();
    }
  }

  /** Runs {@code work} after a pause, then does what can be done. */
  private void after(Duration pause, Runnable work) {
    outbox.add(
        () ->
            pauses
                .after(pause)
                .thenRun(
                    () -> {
                      synchronized (this) {
                        work.run();
                        pump();
                      }
                      drain();
                    }));
  }

  /**
   * Does what can be done now, under the lock, putting the sends (and completions) in the outbox:
   * gives up on batches past their deadline that are not in flight, asks for a producer id, pauses
   * before a resend, or sends the next batches in order.
   */
  private void pump() {
    expire();
    if (producer == null) {
      if (!askingForId && !entries.isEmpty()) {
        askingForId = true;
        outbox.add(this::askForId);
      }
      return;
    }
    if (rewinding) {
      if (inFlight > 0 || pausing) {
        return;
      }
      pausing = true;
      Duration pause = backoff;
      backoff =
          backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      after(
          pause,
          () -> {
            pausing = false;
            rewinding = false;
          });
      return;
    }
    int limit = confirmed ? MAX_IN_FLIGHT : 1;
    for (Entry entry : entries) {
      if (inFlight >= limit) {
        break;
      }
      if (entry.inFlight || !entry.needsSend) {
        continue;
      }
      entry.inFlight = true;
      entry.needsSend = false;
      entry.everSent = true;
      inFlight++;
      byte[] bytes = entry.planned.clone();
      RecordBatch.wrap(ByteBuffer.wrap(bytes))
          .setProducer(entry.producer.producerId(), entry.producer.epoch(), entry.sequence);
      ProducerIdAndEpoch stampedWith = entry.producer;
      int sequence = entry.sequence;
      outbox.add(
          () ->
              sender
                  .send(bytes, entry.acks, entry.timeoutMs)
                  .whenComplete(
                      (reply, failure) -> answered(entry, stampedWith, sequence, reply, failure)));
    }
  }

  private void askForId() {
    producerIds
        .get()
        .whenComplete(
            (id, failure) -> {
              synchronized (this) {
                if (id != null) {
                  askingForId = false;
                  useProducer(id);
                  pump();
                } else {
                  LOG.warn(
                      "No producer id for {} yet ({}); asking again after {}",
                      topicPartition,
                      failure,
                      backoff);
                  after(backoff, () -> askingForId = false);
                }
              }
              drain();
            });
  }

  /** Takes {@code id} and numbers every unanswered batch under it from 0. */
  private void useProducer(ProducerIdAndEpoch id) {
    producer = id;
    confirmed = false;
    nextSequence = 0;
    for (Entry entry : entries) {
      stamp(entry);
    }
  }

  /** Drops the producer id: the next {@link #pump} asks for a fresh one and numbers anew. */
  private void freshProducer(String why) {
    LOG.info(
        "Partition {}: the gateway takes a fresh producer id instead of {} ({})",
        topicPartition,
        producer,
        why);
    producer = null;
    freshIds++;
  }

  private void answered(
      Entry entry,
      ProducerIdAndEpoch stampedWith,
      int sequence,
      Appended reply,
      Throwable failure) {
    ApiError error =
        failure != null
            ? ApiError.of(
                ErrorCode.REQUEST_TIMED_OUT,
                "Partition %s did not answer: %s",
                topicPartition,
                failure)
            : reply.error();
    synchronized (this) {
      entry.inFlight = false;
      inFlight--;
      decide(entry, stampedWith, sequence, reply, error);
      pump();
    }
    drain();
  }

  /** What {@code entry}'s answer means for it and the batches after it; under the lock. */
  private void decide(
      Entry entry, ProducerIdAndEpoch stampedWith, int sequence, Appended reply, ApiError error) {
    if (error == null) {
      entries.remove(entry);
      if (entry.producer == producer && producer == stampedWith) {
        confirmed = true;
      }
      backoff = firstBackoff;
      outbox.add(() -> entry.answer.complete(reply));
      return;
    }
    boolean stale = entry.producer != stampedWith || entry.sequence != sequence;
    // No resend would be answered in time once the next pause reaches the deadline.
    boolean pastDeadline = clock.millis() + backoff.toMillis() >= entry.deadlineMillis;
    if (stale && !pastDeadline) {
      // Sent under a numbering since replaced: its answer says nothing of the new one.
      entry.needsSend = true;
      rewinding = true;
      return;
    }
    boolean refusedInOrder =
        error.code() == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER
            || error.code() == ErrorCode.INVALID_PRODUCER_EPOCH;
    if (refusedInOrder && unansweredBefore(entry) && !pastDeadline) {
      // A batch before it is being sent again: it follows that one.
      entry.needsSend = true;
      rewinding = true;
      return;
    }
    if (PartitionCalls.resendable(error) && !pastDeadline) {
      entry.needsSend = true;
      rewinding = true;
      return;
    }
    if (refusedInOrder && !pastDeadline) {
      // Not written, and the partition does not follow this numbering: start a fresh one.
      freshProducer(error.message());
      rewinding = true;
      return;
    }
    // Final: refused for good (nothing written), or given up at the deadline (maybe written).
    entries.remove(entry);
    if (producer == stampedWith) {
      freshProducer("a batch ended with " + error.code());
    }
    rewinding = true;
    outbox.add(() -> entry.answer.complete(reply != null ? reply : new Appended(-1, -1, error)));
  }

  private boolean unansweredBefore(Entry entry) {
    for (Entry other : entries) {
      if (other == entry) {
        return false;
      }
      return true;
    }
    return false;
  }

  /**
   * Answers {@code REQUEST_TIMED_OUT} to the batches past their deadline that are not in flight; a
   * batch never sent under its numbering is known not to be written, one sent before maybe is (then
   * the partition takes a fresh producer id).
   */
  private void expire() {
    long now = clock.millis();
    var iterator = entries.iterator();
    boolean renumber = false;
    while (iterator.hasNext()) {
      Entry entry = iterator.next();
      if (entry.inFlight || now < entry.deadlineMillis) {
        continue;
      }
      iterator.remove();
      boolean maybeWritten = entry.everSent;
      ApiError error =
          ApiError.of(
              ErrorCode.REQUEST_TIMED_OUT,
              "The batch for %s was not answered within %d ms; %s",
              topicPartition,
              entry.timeoutMs,
              maybeWritten ? "it may or may not be written" : "it was not written");
      outbox.add(() -> entry.answer.complete(new Appended(-1, -1, error)));
      renumber = true;
    }
    if (renumber && producer != null) {
      freshProducer("a batch expired");
    }
  }
}
