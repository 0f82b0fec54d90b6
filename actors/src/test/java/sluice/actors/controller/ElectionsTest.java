package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.cluster.MemberStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.testing.ManualClock;

class ElectionsTest {
  private static final String ADDRESS = "akka://sys@127.0.0.1:2551";

  private static Controller.Settings settings(Duration grace) {
    return new Controller.Settings(
        10,
        Duration.ofSeconds(5),
        Duration.ofSeconds(3),
        Duration.ofSeconds(10),
        true,
        grace,
        10,
        10);
  }

  /** Broker 1 registered and up; broker 2 leads a partition but has no registration. */
  private static LiveBrokers brokers() {
    return new LiveBrokers(
        Map.of(ADDRESS, MemberStatus.up()),
        Map.of(1, new BrokerRegistration(1, "127.0.0.1", 8080, ADDRESS)));
  }

  private static final TopicMetadata LED_BY_2 =
      new TopicMetadata(
          "t",
          "t-id",
          false,
          Map.of(),
          List.of(new PartitionAssignment(0, List.of(2, 1), 2, 0, List.of(2, 1), 0)));

  @Test
  void aBrokerWithoutRegistrationIsUnknownDuringTheGraceAndDeadAfterItByTheClock() {
    var clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    var elections = new Elections(1, settings(Duration.ofSeconds(10)), clock);
    var request = new Elections.Request("test", false);

    assertThat(elections.inGrace()).isTrue();
    assertThat(elections.elect(request, brokers(), List.of(LED_BY_2))).isEmpty();

    clock.advance(Duration.ofSeconds(10));
    assertThat(elections.inGrace()).isFalse();
    var elected = elections.elect(request, brokers(), List.of(LED_BY_2));
    assertThat(elected).hasSize(1);
    PartitionAssignment after = elected.get(0).after().partitions().get(0);
    assertThat(after.leader()).isEqualTo(1);
    assertThat(after.leaderEpoch()).isEqualTo(1);
    assertThat(after.isr()).containsExactly(1);
  }

  /** Brokers 1, 2 and 3 up and registered; broker 2's data directory offline if {@code full}. */
  private static LiveBrokers threeBrokers(boolean full) {
    Map<String, MemberStatus> members = new HashMap<>();
    Map<Integer, BrokerRegistration> registrations = new HashMap<>();
    for (int b = 1; b <= 3; b++) {
      String address = "akka://sys@127.0.0.1:255" + b;
      members.put(address, MemberStatus.up());
      List<String> offline = full && b == 2 ? List.of("/data/2") : List.of();
      registrations.put(b, new BrokerRegistration(b, "127.0.0.1", 8080 + b, address, offline));
    }
    return new LiveBrokers(members, registrations);
  }

  @Test
  void aRegistrationNamingAnOfflineDataDirMovesItsBrokersLeadershipsAndIsrPlaces() {
    var elections = new Elections(1, settings(Duration.ZERO), new ManualClock(0));
    var request = new Elections.Request("test", false);
    var topic =
        new TopicMetadata(
            "t",
            "t-id",
            false,
            Map.of(),
            List.of(
                new PartitionAssignment(0, List.of(2, 3, 1), 2, 3, List.of(2, 3, 1), 6),
                new PartitionAssignment(1, List.of(1, 2, 3), 1, 3, List.of(1, 2, 3), 6),
                new PartitionAssignment(2, List.of(2, 1, 3), 2, 3, List.of(2), 6)));
    assertThat(elections.elect(request, threeBrokers(false), List.of(topic))).isEmpty();

    var elected = elections.elect(request, threeBrokers(true), List.of(topic));
    assertThat(elected).hasSize(1);
    List<PartitionAssignment> after = elected.get(0).after().partitions();
    assertThat(after.get(0).leader()).as("moved to an in-sync replica").isEqualTo(3);
    assertThat(after.get(0).leaderEpoch()).isEqualTo(4);
    assertThat(after.get(0).isr()).containsExactly(3, 1);
    assertThat(after.get(1).leader()).isEqualTo(1);
    assertThat(after.get(1).isr()).as("the follower leaves the ISR").containsExactly(1, 3);
    assertThat(after.get(2))
        .as("no other ISR member: the leader stays")
        .isEqualTo(topic.partitions().get(2));
    assertThat(Elections.written(elected, new WriteOutcome.Written(), Duration.ofSeconds(5)))
        .as("the moved partition is placed on its new leader")
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.partitions())
                    .extracting(PartitionAssignment::partition)
                    .containsExactly(0));
  }

  @Test
  void aControllerWhoseBrokerIsNotLiveDoesNotElect() {
    var clock = new ManualClock(0);
    var elections = new Elections(3, settings(Duration.ZERO), clock);
    assertThat(elections.elect(new Elections.Request("test", false), brokers(), List.of(LED_BY_2)))
        .isEmpty();
  }

  @Test
  void requestsDeferredDuringAWriteAreMergedIntoOneTakenOnce() {
    var elections = new Elections(1, settings(Duration.ZERO), new ManualClock(0));
    assertThat(elections.takeDeferred()).isEmpty();
    elections.defer(new Elections.Request("member up", false));
    elections.defer(new Elections.Request("periodic check", true));
    elections.defer(new Elections.Request("registered", false));
    assertThat(elections.takeDeferred())
        .contains(new Elections.Request("member up, periodic check, registered", true));
    assertThat(elections.takeDeferred()).isEmpty();
  }

  @Test
  void writtenElectionsReturnOnlyTheMovedPartitionsToPlaceAndNothingWhenRefused() {
    var clock = new ManualClock(0);
    var elections = new Elections(1, settings(Duration.ZERO), clock);
    var elected = elections.elect(new Elections.Request("t", false), brokers(), List.of(LED_BY_2));

    var moved = Elections.written(elected, new WriteOutcome.Unconfirmed("timeout"), Duration.ZERO);
    assertThat(moved).hasSize(1);
    assertThat(moved.get(0).partitions())
        .extracting(PartitionAssignment::leader)
        .containsExactly(1);
    assertThat(Elections.written(elected, new WriteOutcome.Refused("changed"), Duration.ZERO))
        .isEmpty();
  }
}
