package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.quorum.QuorumState;

/** Leader 1 of replicas [1, 2, 3], ISR [1, 2, 3], leader epoch 4, partition epoch 6. */
class IsrProposalsTest {
  private static final Duration LAG = Duration.ofSeconds(10);
  private static final List<Integer> REPLICAS = List.of(1, 2, 3);

  private static final int WITH_OFFLINE_DIR = 3;

  private final ManualClock clock = new ManualClock();
  private boolean offlineDir;
  private final ReplicaTracker replicas =
      new ReplicaTracker(1, assignment(REPLICAS, 6), LAG.toMillis(), clock.millis());
  private final IsrProposals proposals =
      new IsrProposals(
          new PartitionContext(
              null,
              null,
              new LeaderSettings(
                  1,
                  1000,
                  Duration.ofSeconds(3),
                  LAG,
                  Duration.ofSeconds(10),
                  Duration.ofSeconds(5),
                  1 << 20,
                  Duration.ofDays(1)),
              "t",
              "id",
              0,
              null,
              clock,
              null,
              null,
              QuorumState::alone),
          replicas,
          broker -> broker != WITH_OFFLINE_DIR || !offlineDir);

  private static PartitionAssignment assignment(List<Integer> isr, int partitionEpoch) {
    return new PartitionAssignment(0, REPLICAS, 1, 4, isr, partitionEpoch);
  }

  /** Follower 2 keeps up with a log end offset of 10; follower 3 never fetches. */
  private void onlyFollowerTwoFetches() {
    replicas.onFetch(2, 10, 10, clock.millis());
  }

  @Test
  void aMemberIsProposedOutOnlyOnceItLaggedLongerThanTheLagTimeOnTheLeadersClock() {
    onlyFollowerTwoFetches();

    assertThat(proposals.next(10, 0, 0, true)).isNull();
    clock.advance(LAG);
    assertThat(proposals.next(10, 0, 0, true)).isNull();
    clock.advance(Duration.ofMillis(1));

    assertThat(proposals.next(10, 0, 0, true)).containsExactly(1, 2);
  }

  @Test
  void membersAreProposedOutOnlyAtThePeriodicCheckNotAtAFetch() {
    onlyFollowerTwoFetches();
    clock.advance(LAG.plusSeconds(1));

    assertThat(proposals.next(10, 0, 0, false)).isNull();
  }

  @Test
  void oneProposalIsOutstandingAtATime() {
    onlyFollowerTwoFetches();
    clock.advance(LAG.plusSeconds(1));
    proposals.sent(proposals.next(10, 0, 0, true));

    assertThat(proposals.next(10, 0, 0, true)).isNull();
    proposals.answered(4, 6, null, ApiError.of(ErrorCode.REQUEST_TIMED_OUT, "no answer"), 4, 6);
    assertThat(proposals.next(10, 0, 0, true)).containsExactly(1, 2);
  }

  @Test
  void afterAStaleRefusalNothingIsProposedUntilNewMetadataHoweverLongItWaits() {
    onlyFollowerTwoFetches();
    clock.advance(LAG.plusSeconds(1));
    proposals.sent(proposals.next(10, 0, 0, true));

    assertThat(
            proposals.answered(
                4, 6, null, ApiError.of(ErrorCode.INVALID_UPDATE_VERSION, "stale"), 4, 6))
        .isNull();
    clock.advance(LAG.multipliedBy(10));
    assertThat(proposals.next(10, 0, 0, true)).isNull();
    assertThat(proposals.next(10, 0, 0, false)).isNull();

    proposals.newMetadata();
    assertThat(proposals.next(10, 0, 0, true)).containsExactly(1, 2);
  }

  @Test
  void aStaleRefusalOfAProposalOverTakenByNewerMetadataDoesNotStopProposals() {
    onlyFollowerTwoFetches();
    clock.advance(LAG.plusSeconds(1));
    proposals.sent(proposals.next(10, 0, 0, true));

    proposals.answered(4, 6, null, ApiError.of(ErrorCode.FENCED_LEADER_EPOCH, "stale"), 4, 7);

    assertThat(proposals.next(10, 0, 0, true)).containsExactly(1, 2);
  }

  @Test
  void anAcceptedChangeIsReturnedForTheLeaderToAdopt() {
    onlyFollowerTwoFetches();
    clock.advance(LAG.plusSeconds(1));
    proposals.sent(proposals.next(10, 0, 0, true));
    PartitionAssignment accepted = assignment(List.of(1, 2), 7);

    assertThat(proposals.answered(4, 6, accepted, null, 4, 6)).isEqualTo(accepted);
    assertThat(proposals.answered(4, 6, assignment(List.of(1, 2), 6), null, 4, 6)).isNull();
  }

  @Test
  void aFollowerThatCaughtUpWithTheHighWatermarkIsProposedIn() {
    replicas.apply(assignment(List.of(1, 2), 7), clock.millis());
    replicas.onFetch(3, 8, 10, clock.millis());

    assertThat(proposals.next(10, 10, 0, false)).isNull();
    replicas.onFetch(3, 10, 10, clock.millis());

    assertThat(proposals.next(10, 10, 0, false)).containsExactly(1, 2, 3);
  }

  @Test
  void aFollowerWhoseDataDirIsOfflineIsNotProposedInUntilItIsBack() {
    replicas.apply(assignment(List.of(1, 2), 7), clock.millis());
    replicas.onFetch(WITH_OFFLINE_DIR, 10, 10, clock.millis());
    offlineDir = true;

    assertThat(proposals.next(10, 10, 0, false)).isNull();
    offlineDir = false;

    assertThat(proposals.next(10, 10, 0, false)).containsExactly(1, 2, 3);
  }
}
