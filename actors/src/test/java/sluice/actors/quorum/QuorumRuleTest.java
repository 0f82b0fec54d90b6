package sluice.actors.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import akka.cluster.MemberStatus;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;

class QuorumRuleTest {
  private static final String SELF = "akka://sluice@10.0.0.1:25520#1";
  private static final String TWO = "akka://sluice@10.0.0.2:25520#2";
  private static final String THREE = "akka://sluice@10.0.0.3:25520#3";

  private static QuorumRule threeUp() {
    QuorumRule rule = new QuorumRule(3, SELF);
    rule.member(SELF, MemberStatus.up());
    rule.member(TWO, MemberStatus.up());
    rule.member(THREE, MemberStatus.up());
    return rule;
  }

  @Test
  void aBrokerConfiguredAloneAlwaysHasItsQuorum() {
    QuorumRule rule = new QuorumRule(1, SELF);
    assertThat(rule.state().present()).isTrue();
    rule.member(SELF, MemberStatus.down());
    assertThat(rule.state().present()).isTrue();
    assertThat(QuorumState.alone().present()).isTrue();
    assertThat(QuorumState.alone().replicasToReach()).isEqualTo(1);
  }

  @Test
  void anIslandOfOneOutOfThreeHasNoQuorumEvenWhenItIsTheWholeCluster() {
    QuorumRule rule = threeUp();
    rule.reachability(TWO, false);
    rule.reachability(THREE, false);
    assertThat(rule.state()).isEqualTo(new QuorumState(3, 1, 3));
    assertThat(rule.state().present()).isFalse();
    // The others downed and removed: the island is a cluster of one, still no quorum.
    rule.member(TWO, MemberStatus.removed());
    rule.member(THREE, MemberStatus.removed());
    assertThat(rule.state()).isEqualTo(new QuorumState(3, 1, 1));
    assertThat(rule.state().present()).isFalse();
    assertThat(rule.state().replicasToReach()).isEqualTo(2);
  }

  @Test
  void twoReachableUpBrokersOfThreeAreAQuorumAndRegainItWhenReachableAgain() {
    QuorumRule rule = threeUp();
    assertThat(rule.state().present()).isTrue();
    rule.reachability(THREE, false);
    assertThat(rule.state().present()).isTrue();
    rule.reachability(TWO, false);
    assertThat(rule.state().present()).isFalse();
    rule.reachability(TWO, true);
    assertThat(rule.state()).isEqualTo(new QuorumState(3, 2, 3));
    assertThat(rule.state().present()).isTrue();
  }

  @Test
  void onlyUpMembersCountAndThisBrokerOnlyWhenItIsUp() {
    QuorumRule rule = new QuorumRule(3, SELF);
    rule.member(SELF, MemberStatus.joining());
    rule.member(TWO, MemberStatus.up());
    assertThat(rule.state().present()).isFalse();
    rule.member(SELF, MemberStatus.up());
    assertThat(rule.state().present()).isTrue();
    rule.member(TWO, MemberStatus.weaklyUp());
    assertThat(rule.state().present()).isFalse();
    rule.member(TWO, MemberStatus.leaving());
    assertThat(rule.state().present()).isFalse();
    rule.member(TWO, MemberStatus.up());
    rule.member(SELF, MemberStatus.down());
    assertThat(rule.state().present()).isFalse();
  }

  @Test
  void writesReachAQuorumOfConfiguredBrokersAndAMajorityOfMembers() {
    assertThat(new QuorumState(3, 3, 3).replicasToReach()).isEqualTo(2);
    assertThat(new QuorumState(5, 5, 5).replicasToReach()).isEqualTo(3);
    // More members than configured brokers (a test cluster configured alone): a majority of them.
    assertThat(new QuorumState(1, 3, 3).replicasToReach()).isEqualTo(2);
    QuorumRule rule = threeUp();
    rule.member(THREE, MemberStatus.leaving());
    assertThat(rule.state().members()).isEqualTo(3);
    rule.member(THREE, MemberStatus.exiting());
    assertThat(rule.state().members()).isEqualTo(2);
  }

  @Test
  void theRefusalIsRetriableAndSaysHowFarTheBrokerIsFromAQuorum() {
    var error = new QuorumState(3, 1, 3).error("Topic 'orders' was not created");
    assertThat(error.code()).isEqualTo(ErrorCode.NO_QUORUM);
    assertThat(error.code().retriable()).isTrue();
    assertThat(error.message())
        .startsWith("Topic 'orders' was not created")
        .contains("sees 1 of the 3 configured brokers, 2 are needed");
  }
}
