package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.PartitionAssignment;

class ReplicaTrackerTest {
  private static final long LAG_MS = 10_000;

  private static PartitionAssignment assignment(List<Integer> isr, int partitionEpoch) {
    return new PartitionAssignment(0, List.of(1, 2, 3), 1, 4, isr, partitionEpoch);
  }

  private static ReplicaTracker tracker(List<Integer> isr) {
    return new ReplicaTracker(1, assignment(isr, 0), LAG_MS, 0);
  }

  @Test
  void theHighWatermarkIsTheSmallestLogEndOffsetOverTheIsrIncludingTheLeader() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));

    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(ReplicaTracker.UNKNOWN_OFFSET);
    tracker.onFetch(2, 7, 10, 1);
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(ReplicaTracker.UNKNOWN_OFFSET);
    tracker.onFetch(3, 9, 10, 2);
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(7);
    tracker.onFetch(2, 10, 10, 3);
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(9);
    tracker.onFetch(3, 10, 10, 4);
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(10);
    assertThat(tracker.highWatermarkCandidate(8)).isEqualTo(8);
  }

  @Test
  void followersOutsideTheIsrDoNotHoldTheHighWatermarkBack() {
    ReplicaTracker tracker = tracker(List.of(1, 2));
    tracker.onFetch(2, 10, 10, 1);
    tracker.onFetch(3, 2, 10, 1);

    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(10);
  }

  @Test
  void aLeaderAloneInTheIsrHasItsOwnLogEndAsHighWatermark() {
    ReplicaTracker tracker =
        new ReplicaTracker(
            1, new PartitionAssignment(0, List.of(1), 1, 0, List.of(1), 0), LAG_MS, 0);

    assertThat(tracker.highWatermarkCandidate(42)).isEqualTo(42);
    assertThat(tracker.outOfSync(42, 1_000_000)).isEmpty();
  }

  @Test
  void aPendingAdditionCountsForTheHighWatermarkAsTheMaximalIsr() {
    ReplicaTracker tracker = tracker(List.of(1, 2));
    tracker.onFetch(2, 10, 10, 1);
    tracker.onFetch(3, 6, 10, 1);
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(10);

    tracker.proposed(List.of(1, 2, 3));

    assertThat(tracker.maximalIsr()).containsExactly(1, 2, 3);
    assertThat(tracker.isr()).containsExactly(1, 2);
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(6);
    tracker.proposalFailed();
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(10);
  }

  @Test
  void aPendingRemovalStillCountsUntilTheControllerCommitsIt() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(2, 10, 10, 1);
    tracker.onFetch(3, 4, 10, 1);

    tracker.proposed(List.of(1, 2));
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(4);

    tracker.apply(assignment(List.of(1, 2), 1), 2);
    assertThat(tracker.hasPendingIsr()).isFalse();
    assertThat(tracker.highWatermarkCandidate(10)).isEqualTo(10);
  }

  @Test
  void aFollowerFetchingTheLeaderLogEndIsCaughtUpAtThatFetch() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(2, 10, 10, 5_000);
    tracker.onFetch(3, 10, 10, 5_000);

    // Behind the leader's end now, but caught up 10s ago: within the lag.
    assertThat(tracker.outOfSync(20, 15_000)).isEmpty();
    assertThat(tracker.outOfSync(20, 15_001)).containsExactly(2, 3);
  }

  @Test
  void aFollowerReachingTheLeaderEndOfItsPreviousFetchIsCaughtUpAsOfThatPreviousFetch() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(3, 20, 20, 40_000);
    // Follower 2 fetches at 5 while the leader is at 10, then at 10 while the leader is at 20.
    tracker.onFetch(2, 5, 10, 30_000);
    tracker.onFetch(2, 10, 20, 38_000);

    // Caught up as of 30_000 (the previous fetch), not 38_000: out of sync after 40_000.
    assertThat(tracker.outOfSync(20, 40_000)).isEmpty();
    assertThat(tracker.outOfSync(20, 40_001)).containsExactly(2);
  }

  @Test
  void aFollowerNeverReachingTheLeaderEndFallsOutOfSyncAfterTheLagTime() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(3, 0, 0, 0);
    for (long t = 1_000; t <= 12_000; t += 1_000) {
      tracker.onFetch(2, t / 1_000, t / 1_000 + 5, t);
      tracker.onFetch(3, t / 1_000 + 5, t / 1_000 + 5, t);
    }

    assertThat(tracker.outOfSync(17, 12_000)).containsExactly(2);
  }

  @Test
  void aFollowerAtTheLeaderLogEndIsInSyncHoweverLongAgoItFetched() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(2, 10, 10, 0);
    tracker.onFetch(3, 10, 10, 0);

    assertThat(tracker.outOfSync(10, 1_000_000)).isEmpty();
  }

  @Test
  void inSyncFollowersThatNeverFetchedAreOutOfSyncOnceTheLagTimePassedSinceTheLeaderStarted() {
    ReplicaTracker tracker = new ReplicaTracker(1, assignment(List.of(1, 2, 3), 0), LAG_MS, 100);
    tracker.onFetch(2, 0, 0, 200);

    assertThat(tracker.outOfSync(0, LAG_MS + 100)).isEmpty();
    assertThat(tracker.outOfSync(0, LAG_MS + 101)).containsExactly(3);
  }

  @Test
  void aFollowerOutsideTheIsrJoinsOnceItReachesTheHighWatermarkAndTheEpochStart() {
    ReplicaTracker tracker = tracker(List.of(1, 2));
    tracker.onFetch(3, 8, 10, 1);

    assertThat(tracker.caughtUpOutsideIsr(10, 5, 3)).isEmpty();
    tracker.onFetch(3, 10, 12, 2);
    assertThat(tracker.caughtUpOutsideIsr(10, 5, 3)).containsExactly(3);
    assertThat(tracker.caughtUpOutsideIsr(10, 11, 3)).isEmpty();

    tracker.proposed(List.of(1, 2, 3));
    assertThat(tracker.caughtUpOutsideIsr(10, 5, 3)).isEmpty();
  }

  @Test
  void aFollowerThatStoppedFetchingIsNotProposedInAgain() {
    ReplicaTracker tracker = tracker(List.of(1));
    tracker.onFetch(3, 0, 0, 1);

    assertThat(tracker.caughtUpOutsideIsr(0, 0, 2)).containsExactly(3);
    assertThat(tracker.caughtUpOutsideIsr(0, 0, 1 + LAG_MS + 1)).isEmpty();
  }

  @Test
  void aFollowerTheControllerTookOutOfTheIsrIsProposedBackOnlyAfterItFetchesAgain() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(2, 0, 0, 1);
    tracker.onFetch(3, 0, 0, 1);

    tracker.apply(assignment(List.of(1, 3), 1), 2);
    assertThat(tracker.caughtUpOutsideIsr(0, 0, 3)).as("its fetch before the change").isEmpty();
    tracker.onFetch(2, 0, 0, 4);
    assertThat(tracker.caughtUpOutsideIsr(0, 0, 5)).containsExactly(2);
  }

  @Test
  void aFollowerThatNeverFetchedIsNotProposedIn() {
    ReplicaTracker tracker = tracker(List.of(1));

    assertThat(tracker.caughtUpOutsideIsr(0, 0, 0)).isEmpty();
  }

  @Test
  void aResetForgetsLogEndOffsetsAndStartsTheLagClockAgain() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(2, 10, 10, 1);
    tracker.onFetch(3, 10, 10, 1);
    tracker.proposed(List.of(1, 2));

    tracker.reset(assignment(List.of(1, 2, 3), 3), 50_000);

    assertThat(tracker.logEndOffset(2)).isEqualTo(ReplicaTracker.UNKNOWN_OFFSET);
    assertThat(tracker.hasPendingIsr()).isFalse();
    assertThat(tracker.outOfSync(10, 50_000 + LAG_MS)).isEmpty();
  }

  @Test
  void onlyReplicasOtherThanTheLeaderAreFollowers() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));

    assertThat(tracker.isFollower(2)).isTrue();
    assertThat(tracker.isFollower(1)).isFalse();
    assertThat(tracker.isFollower(9)).isFalse();
    assertThatThrownBy(() -> tracker.onFetch(9, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Broker 9");
  }

  @Test
  void anAssignmentLedByAnotherBrokerIsRefused() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));

    assertThatThrownBy(
            () ->
                tracker.apply(new PartitionAssignment(0, List.of(1, 2, 3), 2, 5, List.of(2), 1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broker 2 leads it");
  }

  @Test
  void aReplicaRemovedFromTheAssignmentIsForgotten() {
    ReplicaTracker tracker = tracker(List.of(1, 2, 3));
    tracker.onFetch(3, 5, 5, 1);

    tracker.apply(new PartitionAssignment(0, List.of(1, 2), 1, 4, List.of(1, 2), 1), 2);

    assertThat(tracker.isFollower(3)).isFalse();
    assertThat(tracker.logEndOffset(3)).isEqualTo(ReplicaTracker.UNKNOWN_OFFSET);
  }
}
