package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.cluster.MemberStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class LiveBrokersTest {
  private static String address(int brokerId) {
    return "akka://sluice@127.0.0.1:2552" + brokerId;
  }

  private static BrokerRegistration registration(int brokerId) {
    return new BrokerRegistration(brokerId, "127.0.0.1", 8080 + brokerId, address(brokerId));
  }

  private static TopicMetadata topicLedBy(int brokerId) {
    return new TopicMetadata(
        "t",
        "id",
        false,
        Map.of(),
        List.of(new PartitionAssignment(0, List.of(brokerId), brokerId, 0, List.of(brokerId), 0)));
  }

  @Test
  void aRegisteredBrokerIsLiveWhileUpJoiningBeforeAndNeitherOnceItLeaves() {
    Map<String, MemberStatus> members = new HashMap<>();
    members.put(address(1), MemberStatus.up());
    members.put(address(2), MemberStatus.joining());
    members.put(address(3), MemberStatus.weaklyUp());
    members.put(address(4), MemberStatus.down());
    members.put(address(5), MemberStatus.leaving());
    Map<Integer, BrokerRegistration> registrations = new HashMap<>();
    for (int id = 1; id <= 6; id++) {
      registrations.put(id, registration(id));
    }
    LiveBrokers brokers = new LiveBrokers(members, registrations);

    assertThat(brokers.live().keySet()).containsExactly(1);
    assertThat(brokers.joining()).containsExactly(2, 3);
    assertThat(brokers.registeredAt(address(2))).containsExactly(2);
    assertThat(brokers.placements(List.of(topicLedBy(2)))).as("a joining leader").isEmpty();

    assertThat(brokers.memberStatus(address(2), MemberStatus.up())).as("2 came up").isTrue();
    assertThat(brokers.memberStatus(address(2), MemberStatus.up())).as("2 was up").isFalse();
    assertThat(brokers.memberStatus(address(1), MemberStatus.removed())).isFalse();
    assertThat(brokers.live().keySet()).containsExactly(2);
    assertThat(brokers.joining()).containsExactly(3);
    assertThat(brokers.placements(List.of(topicLedBy(2)))).as("an up leader").hasSize(1);
  }

  @Test
  void aJoiningBrokerKeepsItsPartitionsInAnElection() {
    Map<String, MemberStatus> members =
        Map.of(address(1), MemberStatus.up(), address(2), MemberStatus.joining());
    LiveBrokers brokers = new LiveBrokers(members, Map.of(1, registration(1), 2, registration(2)));
    TopicMetadata topic =
        new TopicMetadata(
            "t",
            "id",
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(2), 2, 0, List.of(2), 0)));

    assertThat(LeaderElection.elect(topic, brokers.live().keySet(), brokers.joining(), false))
        .as("broker 2 is starting, not dead: its partition stays led by it")
        .isEmpty();
    assertThat(LeaderElection.elect(topic, brokers.live().keySet(), Set.of(), false))
        .as("counted dead, the partition would go offline")
        .isPresent();
  }

  @Test
  void aRegistrationThatNamesAnOfflineDataDirIsReportedOnceAndThatBrokerStopsServing() {
    Map<String, MemberStatus> members =
        Map.of(address(1), MemberStatus.up(), address(2), MemberStatus.up());
    LiveBrokers brokers = new LiveBrokers(members, Map.of(1, registration(1), 2, registration(2)));
    assertThat(brokers.serving()).containsExactly(1, 2);

    var offline = new BrokerRegistration(2, "127.0.0.1", 8082, address(2), List.of("/data/node-2"));
    LiveBrokers.Changes changes = brokers.update(List.of(registration(1), offline));
    assertThat(changes.dataDirs()).containsExactly(2);
    assertThat(changes.moved()).isEmpty();
    assertThat(brokers.live().keySet()).as("still live").containsExactly(1, 2);
    assertThat(brokers.dirOffline()).containsExactly(2);
    assertThat(brokers.serving()).containsExactly(1);
    assertThat(brokers.offlineDirs(2)).containsExactly("/data/node-2");
    assertThat(brokers.update(List.of(registration(1), offline)).isEmpty())
        .as("the same registration again changes nothing")
        .isTrue();

    assertThat(brokers.update(List.of(registration(1), registration(2))).dataDirs())
        .as("back online")
        .containsExactly(2);
    assertThat(brokers.serving()).containsExactly(1, 2);
  }
}
