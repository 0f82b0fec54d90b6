package sluice.storage.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import sluice.storage.log.BatchHeader;

/**
 * A producer with up to five batches in flight whose sends are delivered late, out of order and
 * more than once (a lost answer makes it send again), against a leader that checks each batch and
 * appends what is accepted: every batch is stored exactly once, in sequence order, and every resend
 * of a stored batch is answered with the offsets it was stored at. Bounded: the run fails rather
 * than loops if the producer can no longer make progress.
 */
class DedupPropertyTest {
  private static final long DAY = 86_400_000L;
  private static final long NOW = 1_700_000_000_000L;

  private record Sent(int index, int firstSequence, int records) {}

  @Property(tries = 300)
  void everyBatchIsStoredOnceInOrderWhateverIsResentOrReordered(@ForAll long seed) {
    Random random = new Random(seed);
    int batches = 5 + random.nextInt(60);
    List<Sent> all = new ArrayList<>();
    int sequence = 0;
    for (int i = 0; i < batches; i++) {
      int records = 1 + random.nextInt(4);
      all.add(new Sent(i, sequence, records));
      sequence += records;
    }
    ProducerStates states = ProducerStates.empty();
    List<Integer> stored = new ArrayList<>();
    Map<Integer, Long> storedAt = new HashMap<>();
    long logEnd = 0;
    int nextToSend = 0;
    int acknowledged = 0; // batches below this were answered and left the window
    List<Sent> inFlight = new ArrayList<>();
    int deliveries = 0;
    while (acknowledged < batches) {
      assertThat(++deliveries).as("deliveries before every batch is answered").isLessThan(100_000);
      while (nextToSend < batches && nextToSend - acknowledged < 5) {
        inFlight.add(all.get(nextToSend++));
      }
      // Deliver any batch of the window, stored or not: a reorder, a first send or a resend. Only
      // the first batch must come first: to a partition that does not know the producer, any
      // sequence is a valid start (Kafka 4.1's rule), so the producer's first send must not be
      // overtaken; a producer's connection delivers in order, only its retries come late.
      Sent sent = inFlight.get(stored.isEmpty() ? 0 : random.nextInt(inFlight.size()));
      int last = ProducerStates.lastSequenceOf(sent.firstSequence(), sent.records() - 1);
      AppendCheck verdict = states.check(42, (short) 0, sent.firstSequence(), last, NOW, DAY);
      if (verdict instanceof AppendCheck.Accepted) {
        var header =
            new BatchHeader(
                logEnd,
                logEnd + sent.records() - 1,
                0,
                NOW,
                42,
                (short) 0,
                sent.firstSequence(),
                sent.records(),
                100);
        states = states.applied(header, NOW, DAY);
        stored.add(sent.index());
        storedAt.put(sent.index(), logEnd);
        logEnd += sent.records();
      } else if (verdict instanceof AppendCheck.Duplicate duplicate) {
        assertThat(duplicate.original().firstOffset()).isEqualTo(storedAt.get(sent.index()));
      } else {
        assertThat(verdict).isInstanceOf(AppendCheck.OutOfOrderSequence.class);
        assertThat(storedAt).doesNotContainKey(sent.index());
      }
      // The answer to the oldest in-flight batch may arrive (or be lost: it is then resent).
      if (random.nextBoolean() && storedAt.containsKey(inFlight.get(0).index())) {
        inFlight.remove(0);
        acknowledged++;
      }
    }
    assertThat(stored).isEqualTo(all.stream().map(Sent::index).toList());
  }
}
