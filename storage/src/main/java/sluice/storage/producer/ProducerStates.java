package sluice.storage.producer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import sluice.storage.log.BatchHeader;

/**
 * The idempotent producers a partition replica knows (Kafka's {@code ProducerStateManager}, as an
 * immutable value): per producer id its latest epoch and last {@value #BATCHES_RETAINED} batches,
 * built from batch headers by every replica as it appends ({@link #applied}), so a follower that
 * becomes leader knows what its predecessor wrote. The leader asks {@link #check} before it writes
 * a client's batch.
 *
 * <p>A producer expires {@code expirationMs} after this replica last appended one of its batches:
 * {@link #check} treats it as unknown from then on, and {@link #applied} drops expired producers at
 * most once per {@link #pruneIntervalMs}. Kafka measures the age from the batch's max timestamp;
 * Sluice from its own clock, since a client sets that timestamp and one in the past would expire
 * its producer at once.
 *
 * <p>Updates share structure ({@link PersistentLongMap}): one batch costs a few small array copies
 * whatever the number of producers. Immutable and thread-safe.
 */
public final class ProducerStates {

  /** Batches remembered per producer, Kafka's {@code NUM_BATCHES_TO_RETAIN}. */
  public static final int BATCHES_RETAINED = 5;

  private static final ProducerStates EMPTY = new ProducerStates(PersistentLongMap.empty(), 0);

  private final PersistentLongMap<ProducerEntry> producers;
  private final long nextPruneAt;

  private ProducerStates(PersistentLongMap<ProducerEntry> producers, long nextPruneAt) {
    this.producers = producers;
    this.nextPruneAt = nextPruneAt;
  }

  public static ProducerStates empty() {
    return EMPTY;
  }

  /** The state holding exactly {@code entries} (as {@link #entries} listed them). */
  public static ProducerStates of(List<ProducerEntry> entries) {
    PersistentLongMap<ProducerEntry> map = PersistentLongMap.empty();
    for (ProducerEntry entry : entries) {
      map = map.with(entry.producerId(), entry);
    }
    return new ProducerStates(map, 0);
  }

  /** How often {@link #applied} looks for expired producers: Kafka's check interval, 10 min. */
  public static long pruneIntervalMs(long expirationMs) {
    return Math.min(expirationMs, 600_000L);
  }

  public int size() {
    return producers.size();
  }

  /** Every producer, by producer id. */
  public List<ProducerEntry> entries() {
    List<ProducerEntry> entries = new ArrayList<>(producers.size());
    producers.forEach((id, entry) -> entries.add(entry));
    entries.sort(Comparator.comparingLong(ProducerEntry::producerId));
    return entries;
  }

  /** What is known of {@code producerId}, expired or not. */
  public Optional<ProducerEntry> entry(long producerId) {
    return Optional.ofNullable(producers.get(producerId));
  }

  /**
   * The verdict on a client's batch from {@code producerId} in {@code epoch} with sequences {@code
   * firstSequence} to {@code lastSequence}, Kafka 4.1's rules: a batch equal to a remembered one of
   * the same epoch is a duplicate; an older epoch is refused; a new epoch must start at sequence 0;
   * within the epoch the batch must follow the last sequence. A producer this partition does not
   * know (never seen, or expired at {@code now}) may start at any sequence, as in Kafka since
   * KIP-360: its state may have gone with retention.
   */
  public AppendCheck check(
      long producerId,
      short epoch,
      int firstSequence,
      int lastSequence,
      long now,
      long expirationMs) {
    ProducerEntry entry = producers.get(producerId);
    if (entry == null || isExpired(entry, now, expirationMs)) {
      return AppendCheck.ACCEPTED;
    }
    Optional<BatchMetadata> duplicate = entry.find(epoch, firstSequence, lastSequence);
    if (duplicate.isPresent()) {
      return new AppendCheck.Duplicate(duplicate.get());
    }
    if (epoch < entry.producerEpoch()) {
      return new AppendCheck.InvalidProducerEpoch(
          String.format(
              "Producer %d sent epoch %d, older than its epoch %d here: a newer instance of it has"
                  + " taken over",
              producerId, epoch, entry.producerEpoch()));
    }
    if (epoch != entry.producerEpoch()) {
      return firstSequence == 0
          ? AppendCheck.ACCEPTED
          : new AppendCheck.OutOfOrderSequence(
              String.format(
                  "Producer %d opened epoch %d at sequence %d; a new epoch starts at 0",
                  producerId, epoch, firstSequence));
    }
    if (!inSequence(entry.lastSequence(), firstSequence)) {
      return new AppendCheck.OutOfOrderSequence(
          String.format(
              "Producer %d sent sequence %d in epoch %d, but its last sequence here is %d (the"
                  + " next must be %d)",
              producerId,
              firstSequence,
              epoch,
              entry.lastSequence(),
              nextSequence(entry.lastSequence())));
    }
    return AppendCheck.ACCEPTED;
  }

  /**
   * The state after this replica appended the batch with {@code header} at {@code now}: unchanged
   * for a batch without a producer id; producers expired at {@code now} are dropped at most once
   * per {@link #pruneIntervalMs}. No check: the leader checked the batch before writing it.
   */
  public ProducerStates applied(BatchHeader header, long now, long expirationMs) {
    ProducerStates state = now >= nextPruneAt ? withoutExpired(now, expirationMs) : this;
    long producerId = header.producerId();
    if (producerId < 0) {
      return state;
    }
    int lastOffsetDelta = (int) (header.lastOffset() - header.baseOffset());
    var batch =
        new BatchMetadata(
            header.baseSequence(),
            lastSequenceOf(header.baseSequence(), lastOffsetDelta),
            header.baseOffset(),
            header.lastOffset(),
            header.maxTimestamp());
    ProducerEntry entry = state.producers.get(producerId);
    ProducerEntry updated =
        entry == null
            ? ProducerEntry.first(producerId, header.producerEpoch(), batch, now)
            : entry.with(header.producerEpoch(), batch, now);
    return new ProducerStates(state.producers.with(producerId, updated), state.nextPruneAt);
  }

  /** This state without the producers expired at {@code now}. */
  public ProducerStates withoutExpired(long now, long expirationMs) {
    List<Long> expired = new ArrayList<>();
    producers.forEach(
        (id, entry) -> {
          if (isExpired(entry, now, expirationMs)) {
            expired.add(id);
          }
        });
    PersistentLongMap<ProducerEntry> kept = producers;
    for (long id : expired) {
      kept = kept.without(id);
    }
    return new ProducerStates(kept, now + pruneIntervalMs(expirationMs));
  }

  private static boolean isExpired(ProducerEntry entry, long now, long expirationMs) {
    return now - entry.lastWrittenAt() >= expirationMs;
  }

  /** Kafka's sequence arithmetic: sequences wrap from {@link Integer#MAX_VALUE} to 0. */
  public static int lastSequenceOf(int firstSequence, int lastOffsetDelta) {
    if (firstSequence > Integer.MAX_VALUE - lastOffsetDelta) {
      return lastOffsetDelta - (Integer.MAX_VALUE - firstSequence) - 1;
    }
    return firstSequence + lastOffsetDelta;
  }

  static int nextSequence(int lastSequence) {
    return lastSequence == Integer.MAX_VALUE ? 0 : lastSequence + 1;
  }

  private static boolean inSequence(int lastSequence, int nextSequence) {
    return nextSequence == nextSequence(lastSequence);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ProducerStates that && entries().equals(that.entries());
  }

  @Override
  public int hashCode() {
    return entries().hashCode();
  }

  @Override
  public String toString() {
    return "ProducerStates" + entries();
  }
}
