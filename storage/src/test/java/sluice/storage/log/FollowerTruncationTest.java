package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.storage.log.FollowerTruncation.Decision;
import sluice.storage.log.FollowerTruncation.TruncateAndAskAgain;
import sluice.storage.log.FollowerTruncation.TruncateTo;
import sluice.storage.log.FollowerTruncation.Undecided;

/**
 * Every divergence case of KIP-101/KIP-279: the leader's answer is computed from the leader's
 * entries with the real {@link LeaderEpochCache#endOffsetFor}, as the leader would.
 */
class FollowerTruncationTest {
  static EpochEntry e(int epoch, long startOffset) {
    return new EpochEntry(epoch, startOffset);
  }

  /** One round: the follower asks with its latest epoch, the leader answers, the helper decides. */
  static Decision round(
      List<EpochEntry> leader, long leaderEnd, List<EpochEntry> follower, long followerEnd) {
    int asked = follower.isEmpty() ? -1 : follower.get(follower.size() - 1).epoch();
    EpochEndOffset answer = LeaderEpochCache.endOffsetFor(leader, asked, leaderEnd);
    return FollowerTruncation.decide(follower, followerEnd, answer);
  }

  @Test
  void noDivergenceWhenTheFollowerIsAPrefixOfTheLeaderInTheSameEpoch() {
    var epochs = List.of(e(0, 0), e(1, 10));
    assertThat(round(epochs, 30, epochs, 20)).isEqualTo(new TruncateTo(20));
  }

  @Test
  void noDivergenceWhenTheLeaderMovedToANewerEpochAfterTheFollowersData() {
    assertThat(round(List.of(e(0, 0), e(1, 10), e(2, 20)), 30, List.of(e(0, 0), e(1, 10)), 20))
        .isEqualTo(new TruncateTo(20));
  }

  @Test
  void aFollowerAheadOfTheLeaderInTheSameEpochTruncatesToTheLeadersEndOfIt() {
    // the follower (an old leader) wrote 15..25 in epoch 1; the new leader has epoch 1 up to 15
    assertThat(round(List.of(e(0, 0), e(1, 10), e(2, 15)), 40, List.of(e(0, 0), e(1, 10)), 25))
        .isEqualTo(new TruncateTo(15));
  }

  @Test
  void aFollowerWithAnEpochTheLeaderNeverHadTruncatesWhereItsOwnOlderEpochEnded() {
    // leader: 0@0, 2@10 ; follower: 0@0, 1@8 (epoch 1 never reached the leader)
    assertThat(round(List.of(e(0, 0), e(2, 10)), 30, List.of(e(0, 0), e(1, 8)), 12))
        .isEqualTo(new TruncateTo(8));
  }

  @Test
  void whenTheLeaderAnswersWithAnEpochTheFollowerLacksItTruncatesAndAsksAgain() {
    // KIP-279: leader 0@0, 1@10, 3@20 ; follower 0@0, 2@10 up to 25.
    // Asked for 2, the leader answers (1, 20); the follower has no epoch 1: its largest below is 0,
    // ending at 10. Truncating to min(20, 25) would keep epoch-2 data the leader never had.
    List<EpochEntry> leader = List.of(e(0, 0), e(1, 10), e(3, 20));
    assertThat(round(leader, 30, List.of(e(0, 0), e(2, 10)), 25))
        .isEqualTo(new TruncateAndAskAgain(10));
    // the second round, after truncating to 10 (epoch 2's entry is gone): agreement at 10
    assertThat(round(leader, 30, List.of(e(0, 0)), 10)).isEqualTo(new TruncateTo(10));
  }

  @Test
  void aFollowerWhoseEpochsAllPrecedeTheLeadersEarliestTruncatesToTheLeadersFirstStart() {
    // the leader's retention removed everything before 100; Kafka answers (asked, 100)
    assertThat(round(List.of(e(5, 100), e(6, 150)), 200, List.of(e(1, 0), e(3, 90)), 120))
        .isEqualTo(new TruncateTo(100));
  }

  @Test
  void whenTheLeaderHasNoEntryAtOrBelowTheAskedEpochNothingIsDecided() {
    // a deposed leader, behind the follower, still answering: nothing can be trusted
    Decision decision = round(List.of(e(0, 0), e(1, 10)), 30, List.of(e(0, 0), e(4, 10)), 25);
    assertThat(decision).isInstanceOf(Undecided.class);
    assertThat(((Undecided) decision).reason()).contains("latest epoch 4");
    // and a leader with no entries at all
    assertThat(round(List.of(), 0, List.of(e(0, 0)), 25)).isInstanceOf(Undecided.class);
  }

  @Test
  void aFollowerWithoutEpochsKeepsWhatItHas() {
    assertThat(round(List.of(e(0, 0), e(1, 10)), 30, List.of(), 0)).isEqualTo(new TruncateTo(0));
  }

  @Test
  void aLeaderAnswerBelowEveryFollowerEpochTruncatesBeforeTheFollowersFirstEpoch() {
    // the answered epoch 2 precedes all of the follower's: nothing from its epoch 3 on is shared
    EpochEndOffset answer = new EpochEndOffset(2, 7);
    assertThat(FollowerTruncation.decide(List.of(e(3, 5), e(4, 9)), 12, answer))
        .isEqualTo(new TruncateTo(5));
  }

  @Test
  void theTruncationOffsetNeverExceedsTheFollowersLogEnd() {
    // the follower lags inside the leader's epoch; never "truncate" beyond its end
    assertThat(round(List.of(e(0, 0), e(1, 10), e(2, 50)), 80, List.of(e(0, 0), e(1, 10)), 12))
        .isEqualTo(new TruncateTo(12));
  }

  @Test
  void aFollowerKeepsRecordsAboveItsHighWatermarkThatTheLeaderHas() {
    // a follower whose HW was 10 keeps its committed records 10..20 of epoch 1 (not truncating
    // to the HW is the point of KIP-101); the signature has no HW to misuse
    assertThat(round(List.of(e(0, 0), e(1, 5), e(2, 20)), 30, List.of(e(0, 0), e(1, 5)), 20))
        .isEqualTo(new TruncateTo(20));
  }

  @Test
  void aNegativeFollowerLogEndIsRejectedNamingIt() {
    assertThatThrownBy(() -> FollowerTruncation.decide(List.of(), -3, EpochEndOffset.UNDEFINED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }
}
