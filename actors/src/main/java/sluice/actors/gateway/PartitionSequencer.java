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
 * there carries a producer id of this partition's own and the next sequence, batches are sent in
 * sequence order and only the first {@link #MAX_IN_FLIGHT} unanswered ones (counting the answered
 * ones among them), and a batch whose answer says it may be written or not (a moving or lost
 * leader, a timeout, too few in-sync replicas) is sent again as it was, so the leader stores it
 * once and answers with its offsets. A resend goes back to the first unanswered batch and sends
 * everything from there in order again (the batches after it are refused out of order meanwhile, or
 * answered as duplicates), so batches are never reordered: a streamed produce and a request split
 * to fit {@code max.message.bytes} keep their order.
 *
 * <p>A batch that was sent keeps its stamp until it is answered: sent again under another one, it
 * would be written twice if the first send was written. A batch refused for good or given up at its
 * deadline leaves the numbering as it is, since its fate may be unknown: the partition tells which
 * by answering the next batch, in sequence if it was written and out of order if not. Only when the
 * first unanswered batch is refused out of order or fenced, which writes nothing, nor anything
 * after it under that numbering, are the unanswered batches numbered anew from 0, in the producer's
 * next epoch (as Kafka's idempotent producer bumps its own epoch, KIP-360), or under a fresh
 * producer id once fenced. The partition fences the old epoch's late copies once it has seen the
 * new one, and takes a new epoch or an unknown producer at sequence 0, so this always converges.
 * Ids are cheap (64 bits, blocks of 1000 from the controller).
 *
 * <p>Thread-safe: answers arrive on any thread; every method runs under this object's lock, and the
 * sends and completions happen outside it.
 */
final class PartitionSequencer {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionSequencer.class);

  /**
   * Kafka's {@code max.in.flight.requests.per.connection} limit for an idempotent producer: the
   * batches a partition remembers per producer. Counted from the first unanswered batch, including
   * the answered ones after it.
   */
  static final int MAX_IN_FLIGHT = ProducerStates.BATCHES_RETAINED;

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

    /** How many batches were given to this sequencer before this one. */
    final long position;

    ProducerIdAndEpoch producer;
    int sequence;
    boolean inFlight;

    /** To be sent (again) with its current stamp. */
    boolean needsSend;

    /** Sent at least once, under any stamp: given up, it may or may not be written. */
    boolean everSent;

    Entry(
        byte[] planned,
        int records,
        Acks acks,
        long timeoutMs,
        long deadlineMillis,
        long position) {
      this.planned = planned;
      this.position = position;
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

  private long appended;

  private ProducerIdAndEpoch producer;
  private boolean askingForId;
  private int nextSequence;
  private int inFlight;

  /** A batch must be sent again: nothing is sent until the batches in flight are answered. */
  private boolean rewinding;

  private boolean pausing;
  private long renumberings;

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
    Entry entry;
    synchronized (this) {
      entry = new Entry(planned, records, acks, timeoutMs, deadlineMillis, appended++);
      entries.addLast(entry);
      if (producer != null) {
        stamp(entry);
      }
      pump();
    }
    drain();
    return entry.answer;
  }

  /** How many times the unanswered batches were numbered anew, in a new epoch or under a new id. */
  synchronized long renumberings() {
    return renumberings;
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
    // The partition remembers a producer's last few batches, so a batch is sent only while the
    // first unanswered one is among them: were that one written, its resend is still a duplicate.
    long window = entries.isEmpty() ? 0 : entries.peekFirst().position + MAX_IN_FLIGHT;
    for (Entry entry : entries) {
      if (entry.position >= window || (!confirmed && inFlight >= 1)) {
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

  /**
   * Numbers every unanswered batch anew from 0 in the producer's next epoch (KIP-360), so a late
   * copy of a batch sent in the old epoch is fenced once the partition has seen the new one; after
   * a refused epoch, or once the epochs are exhausted, the next {@link #pump} asks for a fresh id.
   */
  private void renumber(ApiError why) {
    boolean freshId = why.code() == ErrorCode.INVALID_PRODUCER_EPOCH || producer.epochExhausted();
    LOG.info(
        "Partition {}: the gateway numbers its batches anew{} instead of {} ({})",
        topicPartition,
        freshId ? " under a fresh producer id" : " in the next epoch",
        producer,
        why.message());
    renumberings++;
    if (freshId) {
      producer = null;
    } else {
      useProducer(producer.bumped());
    }
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
      // Not written, nor anything after it: the partition does not follow this numbering.
      renumber(error);
      rewinding = true;
      return;
    }
    // Final: refused for good (nothing written), or given up at the deadline (maybe written). The
    // numbering stays: the batches after it, maybe written too, must keep their stamps, and the
    // partition's answer to the next one says whether the numbering still holds.
    entries.remove(entry);
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
   * batch never sent is known not to be written, one sent before maybe is. The numbering stays, as
   * after any batch that ends unanswered ({@link #decide}).
   */
  private void expire() {
    long now = clock.millis();
    var iterator = entries.iterator();
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
    }
  }
}
