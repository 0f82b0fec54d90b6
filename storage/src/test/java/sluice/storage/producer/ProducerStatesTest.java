package sluice.storage.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.storage.log.BatchHeader;
import sluice.storage.producer.AppendCheck.Duplicate;
import sluice.storage.producer.AppendCheck.InvalidProducerEpoch;
import sluice.storage.producer.AppendCheck.OutOfOrderSequence;

class ProducerStatesTest {
  static final long DAY = Duration.ofDays(1).toMillis();
  static final long T0 = 1_700_000_000_000L;

  /** The header of a batch of {@code records} from producer {@code id} stored at {@code offset}. */
  static BatchHeader batch(long id, int epoch, int firstSequence, int records, long offset) {
    return new BatchHeader(
        offset, offset + records - 1, 3, T0, id, (short) epoch, firstSequence, records, 100);
  }

  static AppendCheck check(ProducerStates states, long id, int epoch, int first, int records) {
    return states.check(id, (short) epoch, first, first + records - 1, T0, DAY);
  }

  @Test
  void theNextBatchIsAcceptedAndARetryOfAnyOfTheLastFiveIsADuplicateWithItsOffsets() {
    ProducerStates states = ProducerStates.empty();
    for (int i = 0; i < 7; i++) {
      states = states.applied(batch(7, 0, i * 10, 10, 100 + i * 10), T0, DAY);
    }
    assertThat(check(states, 7, 0, 70, 10)).isEqualTo(AppendCheck.ACCEPTED);
    for (int i = 2; i < 7; i++) {
      assertThat(check(states, 7, 0, i * 10, 10))
          .isEqualTo(
              new Duplicate(new BatchMetadata(i * 10, i * 10 + 9, 100 + i * 10, 109 + i * 10, T0)));
    }
    // Older than the window: no longer recognised, and not the next either.
    assertThat(check(states, 7, 0, 10, 10)).isInstanceOf(OutOfOrderSequence.class);
    // A retry must match the whole batch, not just its start.
    assertThat(check(states, 7, 0, 60, 5)).isInstanceOf(OutOfOrderSequence.class);
    assertThat(states.entry(7).orElseThrow().batches()).hasSize(ProducerStates.BATCHES_RETAINED);
  }

  @Test
  void aGapIsOutOfOrderAndNamesTheSequenceExpected() {
    ProducerStates states = ProducerStates.empty().applied(batch(7, 0, 0, 5, 0), T0, DAY);
    AppendCheck gap = check(states, 7, 0, 6, 1);
    assertThat(gap).isInstanceOf(OutOfOrderSequence.class);
    assertThat(((OutOfOrderSequence) gap).message())
        .contains("sequence 6")
        .contains("last sequence here is 4")
        .contains("must be 5");
  }

  @Test
  void anOlderEpochIsFencedAndANewEpochMustStartAtZero() {
    ProducerStates states = ProducerStates.empty().applied(batch(7, 3, 0, 5, 0), T0, DAY);
    AppendCheck older = check(states, 7, 2, 5, 1);
    assertThat(older).isInstanceOf(InvalidProducerEpoch.class);
    assertThat(((InvalidProducerEpoch) older).message()).contains("epoch 2").contains("epoch 3");
    assertThat(check(states, 7, 4, 5, 1)).isInstanceOf(OutOfOrderSequence.class);
    assertThat(check(states, 7, 4, 0, 1)).isEqualTo(AppendCheck.ACCEPTED);
    // A retry of the old epoch's batch after the bump is fenced, not a duplicate.
    ProducerStates bumped = states.applied(batch(7, 4, 0, 1, 5), T0, DAY);
    assertThat(check(bumped, 7, 3, 0, 5)).isInstanceOf(InvalidProducerEpoch.class);
    assertThat(bumped.entry(7).orElseThrow().batches()).hasSize(1);
  }

  @Test
  void anUnknownProducerMayStartAtAnySequenceAsInKafka41() {
    assertThat(check(ProducerStates.empty(), 9, 0, 42, 3)).isEqualTo(AppendCheck.ACCEPTED);
  }

  @Test
  void sequencesWrapPastIntegerMaxToZero() {
    int first = Integer.MAX_VALUE - 1;
    assertThat(ProducerStates.lastSequenceOf(first, 3)).isEqualTo(1);
    ProducerStates states = ProducerStates.empty().applied(batch(7, 0, first, 4, 0), T0, DAY);
    assertThat(states.entry(7).orElseThrow().lastSequence()).isEqualTo(1);
    assertThat(check(states, 7, 0, 2, 1)).isEqualTo(AppendCheck.ACCEPTED);
    ProducerStates atMax =
        ProducerStates.empty().applied(batch(7, 0, Integer.MAX_VALUE - 1, 2, 0), T0, DAY);
    assertThat(check(atMax, 7, 0, 0, 1)).isEqualTo(AppendCheck.ACCEPTED);
  }

  @Test
  void aProducerExpiresAfterTheExpirationSinceThisReplicaLastWroteForIt() {
    ProducerStates states = ProducerStates.empty().applied(batch(7, 0, 0, 5, 0), T0, DAY);
    long justBefore = T0 + DAY - 1;
    assertThat(states.check(7, (short) 0, 0, 4, justBefore, DAY)).isInstanceOf(Duplicate.class);
    // Expired: unknown again, so any sequence is accepted and the old batch is not recognised.
    assertThat(states.check(7, (short) 0, 0, 4, T0 + DAY, DAY)).isEqualTo(AppendCheck.ACCEPTED);
    assertThat(states.withoutExpired(justBefore, DAY).size()).isEqualTo(1);
    assertThat(states.withoutExpired(T0 + DAY, DAY).size()).isZero();
  }

  @Test
  void applyingDropsExpiredProducersAtMostOncePerPruneInterval() {
    long expiration = 1_000;
    ProducerStates states = ProducerStates.empty().applied(batch(1, 0, 0, 1, 0), T0, expiration);
    states = states.applied(batch(2, 0, 0, 1, 1), T0 + 500, expiration);
    states = states.applied(batch(3, 0, 0, 1, 2), T0 + 1_200, expiration);
    assertThat(states.entry(1)).as("expired, and the first prune was due").isEmpty();
    states = states.applied(batch(4, 0, 0, 1, 3), T0 + 1_600, expiration);
    assertThat(states.entry(2)).as("expired, but the next prune is due only at +2,200").isPresent();
    assertThat(states.check(2, (short) 0, 0, 0, T0 + 1_600, expiration))
        .as("an expired producer is unknown before it is dropped")
        .isEqualTo(AppendCheck.ACCEPTED);
    states = states.applied(batch(5, 0, 0, 1, 4), T0 + 2_200, expiration);
    assertThat(states.entries()).extracting(ProducerEntry::producerId).containsExactly(4L, 5L);
  }

  @Test
  void batchesWithoutAProducerIdLeaveTheStateAlone() {
    ProducerStates states = ProducerStates.empty().applied(batch(-1, -1, -1, 3, 0), T0, DAY);
    assertThat(states.size()).isZero();
  }

  @Test
  void entriesRoundTripThroughTheirList() {
    ProducerStates states = ProducerStates.empty();
    for (long id = 30; id > 0; id -= 3) {
      states = states.applied(batch(id, 1, 0, 2, id * 10), T0 + id, DAY);
    }
    List<ProducerEntry> entries = states.entries();
    assertThat(entries).extracting(ProducerEntry::producerId).isSorted().hasSize(10);
    assertThat(ProducerStates.of(entries)).isEqualTo(states);
  }
}
