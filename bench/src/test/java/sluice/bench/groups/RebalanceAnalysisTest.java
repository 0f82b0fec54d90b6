package sluice.bench.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.bench.groups.RebalanceAnalysis.Delivered;
import sluice.bench.groups.RebalanceAnalysis.OwnershipEvent;

class RebalanceAnalysisTest {

  private static final long MS = 1_000_000L;
  private static final long CHANGE = 100 * MS;

  private static OwnershipEvent owns(long ms, String member, Integer... partitions) {
    return new OwnershipEvent(ms * MS, member, Set.of(partitions));
  }

  private static Delivered delivered(long ms, String member, int partition, long producedMs) {
    return new Delivered(ms * MS, member, partition, ms, producedMs * MS);
  }

  /** a and b share 4 partitions; c joins at 100 ms and is handed partition 1 by a at 200 ms. */
  private static List<OwnershipEvent> joinEvents() {
    return List.of(owns(10, "a", 0, 1), owns(20, "b", 2, 3), owns(150, "a", 0), owns(200, "c", 1));
  }

  @Test
  void aJoinIsOverWhenTheNewOwnerDeliversARecordProducedAfterTheChangeFromItsLastPartition() {
    List<OwnershipEvent> events = new ArrayList<>(joinEvents());
    List<Delivered> deliveries =
        new ArrayList<>(
            List.of(
                delivered(130, "a", 0, 120),
                delivered(140, "b", 2, 110),
                delivered(145, "b", 3, 130),
                delivered(210, "c", 1, 90), // produced before the change: does not count
                delivered(260, "c", 1, 180),
                delivered(300, "c", 1, 250)));
    Collections.shuffle(events, new Random(7));
    Collections.shuffle(deliveries, new Random(7));

    RebalanceAnalysis a = RebalanceAnalysis.of(4, 3, CHANGE, events, deliveries);

    assertThat(a.complete()).isTrue();
    assertThat(a.settledNanos()).isEqualTo(200 * MS);
    assertThat(a.firstFresh()).containsEntry(1, 260 * MS).containsEntry(0, 130 * MS);
    assertThat(a.doneNanos()).isEqualTo(260 * MS);
    assertThat(a.seconds()).isEqualTo(0.16);
    assertThat(a.slowestPartition()).isEqualTo(1);
    assertThat(a.moved()).isEqualTo(1);
    assertThat(a.partitionsPerMember()).isEqualTo(Map.of("a", 1, "b", 2, "c", 1));
    assertThat(a.acquired()).containsEntry(1, 200 * MS).containsEntry(2, 20 * MS);
    assertThat(a.describe())
        .startsWith("0.16 s")
        .contains("partition (1) went to c 0.10 s after the change")
        .contains("1 partitions moved");
  }

  @Test
  void aFreshRecordFromAMemberThatGaveThePartitionAwayDoesNotCount() {
    List<Delivered> deliveries =
        List.of(
            delivered(120, "a", 1, 110), // a still owned 1 then, c owns it at the end
            delivered(130, "a", 0, 120),
            delivered(140, "b", 2, 110),
            delivered(145, "b", 3, 130));

    RebalanceAnalysis a = RebalanceAnalysis.of(4, 3, CHANGE, joinEvents(), deliveries);

    assertThat(a.ownershipComplete()).isTrue();
    assertThat(a.complete()).isFalse();
    assertThat(a.firstFresh()).doesNotContainKey(1);
    assertThat(a.describe()).startsWith("not over").contains("owner of [1]");
  }

  @Test
  void theSettlingTimeCountsWhenItComesAfterTheLastFreshRecord() {
    // c reports partition 1 only at 400 ms, after every partition has delivered (a reports late).
    List<OwnershipEvent> events =
        List.of(owns(10, "a", 0, 1), owns(20, "b", 2, 3), owns(150, "a", 0), owns(400, "c", 1));
    List<Delivered> deliveries =
        List.of(
            delivered(130, "a", 0, 120),
            delivered(140, "b", 2, 110),
            delivered(145, "b", 3, 130),
            delivered(390, "c", 1, 300));

    RebalanceAnalysis a = RebalanceAnalysis.of(4, 3, CHANGE, events, deliveries);

    assertThat(a.complete()).isTrue();
    assertThat(a.doneNanos()).isEqualTo(400 * MS);
  }

  @Test
  void aPartitionTwoMembersReportIsSharedAndTheGroupNotSettled() {
    List<OwnershipEvent> events =
        List.of(owns(10, "a", 0, 1), owns(20, "b", 2, 3), owns(200, "c", 1));

    RebalanceAnalysis a = RebalanceAnalysis.of(4, 3, CHANGE, events, List.of());

    assertThat(a.shared()).containsExactly(1);
    assertThat(a.owners()).doesNotContainKey(1);
    assertThat(a.ownershipComplete()).isFalse();
    assertThat(a.describe()).contains("more than one member [1]");
  }

  @Test
  void aLeaversEmptySetLeavesItsPartitionsUnownedUntilAnotherMemberTakesThem() {
    List<OwnershipEvent> before = List.of(owns(10, "a", 0, 1), owns(20, "b", 2, 3));
    List<OwnershipEvent> left = new ArrayList<>(before);
    left.add(owns(100, "a"));

    RebalanceAnalysis gone = RebalanceAnalysis.of(4, 1, CHANGE, left, List.of());
    assertThat(gone.unowned()).containsExactly(0, 1);
    assertThat(gone.ownershipComplete()).isFalse();

    left.add(owns(300, "b", 0, 1, 2, 3));
    List<Delivered> deliveries =
        List.of(
            delivered(310, "b", 0, 305),
            delivered(310, "b", 1, 305),
            delivered(320, "b", 2, 90), // before the change: not fresh
            delivered(330, "b", 2, 150),
            delivered(330, "b", 3, 150));
    RebalanceAnalysis taken = RebalanceAnalysis.of(4, 1, CHANGE, left, deliveries);

    assertThat(taken.complete()).isTrue();
    assertThat(taken.moved()).isEqualTo(2);
    assertThat(taken.settledNanos()).isEqualTo(300 * MS);
    assertThat(taken.doneNanos()).isEqualTo(330 * MS);
    assertThat(taken.partitionsPerMember()).isEqualTo(Map.of("b", 4));
  }

  @Test
  void whenNothingMovesTheGroupIsSettledAtTheChangeAndOverAtItsFirstFreshRecords() {
    List<OwnershipEvent> events = List.of(owns(10, "a", 0, 1));
    List<Delivered> deliveries = List.of(delivered(150, "a", 0, 120), delivered(170, "a", 1, 160));

    RebalanceAnalysis a = RebalanceAnalysis.of(2, 1, CHANGE, events, deliveries);

    assertThat(a.settledNanos()).isEqualTo(CHANGE);
    assertThat(a.moved()).isZero();
    assertThat(a.describe()).contains("partition (1) stayed with a");
    assertThat(a.seconds()).isEqualTo(0.07);
  }

  @Test
  void aGroupFormingFromNothingCountsEveryPartitionAsMoved() {
    List<OwnershipEvent> events = List.of(owns(150, "a", 0), owns(160, "b", 1));
    List<Delivered> deliveries = List.of(delivered(170, "a", 0, 165), delivered(180, "b", 1, 165));

    RebalanceAnalysis a = RebalanceAnalysis.of(2, 2, CHANGE, events, deliveries);

    assertThat(a.complete()).isTrue();
    assertThat(a.moved()).isEqualTo(2);
    assertThat(a.doneNanos()).isEqualTo(180 * MS);
  }

  @Test
  void aGroupWithoutEveryExpectedMemberOrUnevenlySpreadIsNotSettled() {
    // The 4th member's join not yet taken into account: the three still share all partitions and
    // deliver fresh records from each of them.
    List<OwnershipEvent> three =
        List.of(owns(10, "a", 0, 1), owns(20, "b", 2, 3), owns(30, "c", 4, 5));
    List<Delivered> fresh = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      fresh.add(delivered(150, "abc".substring(p / 2, p / 2 + 1), p, 120));
    }

    RebalanceAnalysis waiting = RebalanceAnalysis.of(6, 4, CHANGE, three, fresh);

    assertThat(waiting.unowned()).isEmpty();
    assertThat(waiting.shared()).isEmpty();
    assertThat(waiting.ownershipComplete()).isFalse();
    assertThat(waiting.complete()).isFalse();
    assertThat(waiting.describe()).contains("4 members expected");

    List<OwnershipEvent> uneven = List.of(owns(10, "a", 0, 1, 2), owns(20, "b", 3));
    assertThat(RebalanceAnalysis.of(4, 2, CHANGE, uneven, List.of()).balanced()).isFalse();
    List<OwnershipEvent> even = List.of(owns(10, "a", 0, 1, 2), owns(20, "b", 3, 4));
    assertThat(RebalanceAnalysis.of(5, 2, CHANGE, even, List.of()).balanced()).isTrue();
  }
}
