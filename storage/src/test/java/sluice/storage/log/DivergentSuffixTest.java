package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.log.FollowerTruncation.Decision;
import sluice.storage.log.FollowerTruncation.TruncateAndAskAgain;
import sluice.storage.log.FollowerTruncation.TruncateTo;
import sluice.storage.log.FollowerTruncation.Undecided;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * The KIP-101 and KIP-279 failure scenarios, played on two real partition logs: replicas fetch each
 * other's batches, leaders change, and a returning replica reconciles with the leader through
 * {@link PartitionLog#endOffsetForEpoch} and {@link FollowerTruncation}, then fetches. Every record
 * value names the replica that wrote it, so a divergent suffix that survived would show.
 */
class DivergentSuffixTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_000);
  final List<PartitionLog> opened = new ArrayList<>();

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  PartitionLog replica(String name) {
    PartitionLog log = PartitionLog.open(root.resolve(name), LogConfig.defaults(), clock);
    opened.add(log);
    return log;
  }

  /** The leader writes {@code batches} batches of 2 records, values "{writer}@{offset}". */
  static void lead(PartitionLog log, String writer, int epoch, int batches) {
    for (int i = 0; i < batches; i++) {
      long base = log.logEndOffset();
      RecordBatch batch =
          TestBatches.keyed(base, 1_000, "k", writer + "@" + base, "k", writer + "@" + (base + 1));
      batch.setPartitionLeaderEpoch(epoch);
      log.append(batch);
    }
  }

  /**
   * The follower fetches and appends the leader's batches up to {@code upTo}, as replication does.
   */
  static void fetch(PartitionLog follower, PartitionLog leader, long upTo) {
    while (follower.logEndOffset() < upTo) {
      FetchSlice slice = leader.read(follower.logEndOffset(), 1 << 20, upTo);
      for (RecordBatch batch : TestBatches.batchesOf(slice.readFully())) {
        follower.append(batch);
      }
    }
  }

  /**
   * The follower asks with its latest epoch and truncates as decided, until a final decision.
   *
   * @return the number of rounds
   */
  static int reconcile(PartitionLog follower, PartitionLog leader) {
    for (int round = 1; round <= 100; round++) {
      EpochEndOffset answer = leader.endOffsetForEpoch(follower.latestEpoch());
      Decision decision =
          FollowerTruncation.decide(follower.leaderEpochs(), follower.logEndOffset(), answer);
      if (decision instanceof TruncateTo truncate) {
        follower.truncateTo(truncate.offset());
        return round;
      } else if (decision instanceof TruncateAndAskAgain truncate) {
        follower.truncateTo(truncate.offset());
      } else {
        throw new AssertionError("No truncation decided: " + decision);
      }
    }
    throw new AssertionError("Reconciliation did not converge");
  }

  static List<String> values(PartitionLog log) {
    List<String> values = new ArrayList<>();
    for (RecordBatch batch : TestBatches.readAll(log)) {
      for (Record record : batch.records()) {
        values.add(new String(record.value(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  static void assertSameLog(PartitionLog follower, PartitionLog leader) {
    assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset());
    assertThat(values(follower)).isEqualTo(values(leader));
    assertThat(follower.leaderEpochs()).isEqualTo(leader.leaderEpochs());
  }

  @Test
  void aFollowerKeepsCommittedRecordsAboveItsHighWatermark() {
    // KIP-101 scenario 1: B holds A's 0..3, but B's high watermark only covered 0..1 when A died.
    // Truncating B to its HW at restart, then electing it, would lose the committed 2..3.
    PartitionLog a = replica("a");
    PartitionLog b = replica("b");
    a.assignLeaderEpoch(0);
    lead(a, "A", 0, 2);
    fetch(b, a, a.logEndOffset());
    // A dies; B becomes leader in epoch 1 keeping all it has, and writes
    b.assignLeaderEpoch(1);
    lead(b, "B", 1, 1);
    // A returns as a follower: nothing diverged, nothing is lost
    assertThat(reconcile(a, b)).isEqualTo(1);
    assertThat(a.logEndOffset()).isEqualTo(4);
    fetch(a, b, b.logEndOffset());
    assertSameLog(a, b);
    assertThat(values(a)).containsExactly("A@0", "A@1", "A@2", "A@3", "B@4", "B@5");
  }

  @Test
  void replicasThatDivergedAtTheSameOffsetsConvergeOnTheNewLeader() {
    // KIP-101 scenario 2: A wrote 0..3 in epoch 0, B had fetched only 0..1; both lost power, B came
    // back first, became leader of epoch 1 and wrote 2..3. A's 2..3 must give way to B's.
    PartitionLog a = replica("a");
    PartitionLog b = replica("b");
    lead(a, "A", 0, 1);
    fetch(b, a, 2);
    lead(a, "A", 0, 1);
    b.assignLeaderEpoch(1);
    lead(b, "B", 1, 1);
    assertThat(reconcile(a, b)).isEqualTo(1);
    assertThat(a.logEndOffset()).isEqualTo(2);
    fetch(a, b, b.logEndOffset());
    assertSameLog(a, b);
    assertThat(values(a)).containsExactly("A@0", "A@1", "B@2", "B@3");
  }

  @Test
  void aReturningOldLeaderTruncatesOnlyItsDivergentSuffix() {
    // A led epoch 1 (0..9, fetched by B: committed), then epoch 2, writing 10..15 that B never
    // fetched (acks=1) before A crashed. B leads epoch 3 and has not written yet when A returns.
    PartitionLog a = replica("a");
    PartitionLog b = replica("b");
    a.assignLeaderEpoch(1);
    lead(a, "A", 1, 5);
    fetch(b, a, 10);
    a.assignLeaderEpoch(2);
    lead(a, "A", 2, 3);
    b.assignLeaderEpoch(3);

    assertThat(reconcile(a, b)).isEqualTo(1);
    assertThat(a.logEndOffset()).isEqualTo(10); // the suffix 10..15 is gone, 0..9 all kept
    assertThat(a.leaderEpochs()).containsExactly(new EpochEntry(1, 0));

    lead(b, "B", 3, 2);
    fetch(a, b, b.logEndOffset());
    assertSameLog(a, b);
    assertThat(values(a).subList(8, 14))
        .containsExactly("A@8", "A@9", "B@10", "B@11", "B@12", "B@13");
  }

  @Test
  void aNewLeaderThatDidNotRecordItsEpochCannotAnswerForTheOldLeadersEpoch() {
    // as above, but B never assigned epoch 3: it knows no epoch at or above A's epoch 2, so the
    // decision is left open instead of guessing (why a leader assigns its epoch on promotion)
    PartitionLog a = replica("a");
    PartitionLog b = replica("b");
    lead(a, "A", 1, 5);
    fetch(b, a, 10);
    lead(a, "A", 2, 3);
    EpochEndOffset answer = b.endOffsetForEpoch(a.latestEpoch());
    assertThat(answer).isEqualTo(EpochEndOffset.UNDEFINED);
    assertThat(FollowerTruncation.decide(a.leaderEpochs(), a.logEndOffset(), answer))
        .isInstanceOf(Undecided.class);
  }

  @Test
  void afterAFastDoubleFailoverTheFollowerDropsEpochsTheLeaderNeverHad() {
    // KIP-279: epoch 0 (A) wrote 0..3 to both. A led epoch 1 and wrote 4..5 alone, then died;
    // B led epoch 2 and wrote 4..7 alone, then died; A came back, led epoch 3 and wrote 6..9.
    // B asks for epoch 2; A answers (1, 6). Truncating B to 6 would keep B's epoch-2 records
    // 4..5 where A has its epoch-1 records: B has no epoch 1, so it truncates to 4 and asks again.
    PartitionLog a = replica("a");
    PartitionLog b = replica("b");
    lead(a, "A", 0, 2);
    fetch(b, a, 4);
    a.assignLeaderEpoch(1);
    lead(a, "A", 1, 1);
    b.assignLeaderEpoch(2);
    lead(b, "B", 2, 2);
    a.assignLeaderEpoch(3);
    lead(a, "A", 3, 2);
    assertThat(a.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(1, 6));

    assertThat(reconcile(b, a)).isEqualTo(2);
    assertThat(b.logEndOffset()).isEqualTo(4);
    fetch(b, a, a.logEndOffset());
    assertSameLog(b, a);
    assertThat(values(b).subList(2, 10))
        .containsExactly("A@2", "A@3", "A@4", "A@5", "A@6", "A@7", "A@8", "A@9");
  }

  @Test
  void reconciliationSurvivesARestartOfBothReplicas() {
    PartitionLog a = replica("a");
    PartitionLog b = replica("b");
    a.assignLeaderEpoch(1);
    lead(a, "A", 1, 3);
    fetch(b, a, 4);
    lead(a, "A", 1, 2); // 6..9 never reach B
    b.assignLeaderEpoch(2);
    lead(b, "B", 2, 1);
    a.close();
    b.close();
    opened.clear();
    PartitionLog a2 = replica("a");
    PartitionLog b2 = replica("b");
    assertThat(a2.leaderEpochs()).containsExactly(new EpochEntry(1, 0));
    assertThat(b2.leaderEpochs()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 4));
    reconcile(a2, b2);
    assertThat(a2.logEndOffset()).isEqualTo(4);
    fetch(a2, b2, b2.logEndOffset());
    assertSameLog(a2, b2);
  }
}
