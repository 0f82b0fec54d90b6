package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.ControllerClaimsKey;

class EpochClaimsTest {
  private static final String A = "akka://sluice@10.0.0.1:25520#1";
  private static final String B = "akka://sluice@10.0.0.2:25520#2";

  @Test
  void anEpochClaimedByAnotherNodeOrOvertakenIsContestedAndOwnOrOlderClaimsAreNot() {
    List<String> claims = List.of(ControllerClaimsKey.claim(4, B), ControllerClaimsKey.claim(5, A));
    assertThat(EpochClaims.contest(claims, 5, A)).isNull();
    assertThat(EpochClaims.contest(claims, 6, A)).isNull();
    assertThat(EpochClaims.contest(List.of(ControllerClaimsKey.claim(5, B)), 5, A))
        .isEqualTo("5 " + B);
    assertThat(EpochClaims.contest(List.of(ControllerClaimsKey.claim(6, B)), 5, A))
        .isEqualTo("6 " + B);
    assertThat(ControllerClaimsKey.node(ControllerClaimsKey.claim(7, A))).isEqualTo(A);
    assertThat(ControllerClaimsKey.epoch(ControllerClaimsKey.claim(7, A))).isEqualTo(7);
  }
}
