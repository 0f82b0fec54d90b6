package sluice.actors.group.state;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.group.state.GroupHarness.topic;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.group.state.OffsetCommitRequest.Offset;

class GroupsTest {
  @Test
  void loadingAPartitionRoutesRecordsToTheirGroupsAndListsTheLiveOnes() {
    GroupHarness g = new GroupHarness(topic("orders", 2));
    g.member("a", "orders").join();
    Groups groups = new Groups(GroupConfig.defaults());
    GroupStateMachine manual = groups.group("manual");
    manual
        .commitOffsets(
            new OffsetCommitRequest(
                "manual", null, -1, Map.of(new TopicPartition("orders", 0), Offset.of(3))),
            0)
        .records()
        .forEach(groups::replay);
    g.log.forEach(groups::replay);
    groups.group("never");

    assertThat(groups.list())
        .containsExactly(Map.entry("g", GroupState.STABLE), Map.entry("manual", GroupState.EMPTY));
    assertThat(groups.existing("never")).isEmpty();
    assertThat(groups.group("g").image()).isEqualTo(g.machine.image());
  }
}
