package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.state.GroupDescription.MemberDescription;
import sluice.actors.group.state.GroupState;
import sluice.actors.group.state.TopicPartition;

class GroupLagsTest {
  private static MemberDescription member(String id, Map<String, Set<Integer>> owns) {
    return new MemberDescription(
        id, null, null, "c-" + id, "h", 1, MemberState.STABLE, Set.of(), null, owns, owns);
  }

  private static GroupRequest.DescribedGroup group(
      List<MemberDescription> members, List<GroupRequest.CommittedOffset> offsets) {
    return new GroupRequest.DescribedGroup(
        "g", GroupState.STABLE, 1, 1, "uniform", members, Map.of("id-a", "a"), offsets);
  }

  private static GroupRequest.CommittedOffset at(String topic, int partition, long offset) {
    return new GroupRequest.CommittedOffset(topic, partition, offset, -1, "", 0);
  }

  @Test
  void tiesGoToTheFirstPartitionByTopicAndPartitionAndLagIsNeverNegative() {
    var g = group(List.of(), List.of(at("b", 0, 5), at("a", 1, 5), at("a", 0, 5), at("a", 2, 30)));
    var lags =
        GroupLags.lags(
            g,
            Map.of(
                new TopicPartition("a", 0), 10L,
                new TopicPartition("a", 1), 10L,
                new TopicPartition("b", 0), 10L,
                new TopicPartition("a", 2), 20L));
    assertThat(lags)
        .extracting(l -> l.topic() + l.partition() + "=" + l.lag())
        .containsExactly("a0=5", "a1=5", "b0=5", "a2=0");
    var summary = GroupLags.summary(lags).orElseThrow();
    assertThat(summary.max().topic() + summary.max().partition()).isEqualTo("a0");
    assertThat(summary.totalLag()).isEqualTo(15);
  }

  @Test
  void aPartitionWithoutHighWatermarkIsLeftOutAndNoLagsHaveNoSummary() {
    var g = group(List.of(), List.of(at("a", 0, 5)));
    assertThat(GroupLags.lags(g, Map.of())).isEmpty();
    assertThat(GroupLags.summary(List.of())).isEmpty();
  }

  @Test
  void ownersComeFromCurrentAssignmentsNamedThroughTheGroupsTopicIds() {
    var g =
        group(
            List.of(
                member("m1", Map.of("id-a", Set.of(1, 0))),
                member("m2", Map.of("id-gone", Set.of(0)))),
            List.of(at("a", 0, 1), at("gone", 0, 1)));
    assertThat(GroupLags.assignment(g, g.members().get(0)))
        .containsExactly(new TopicPartition("a", 0), new TopicPartition("a", 1));
    assertThat(GroupLags.assignment(g, g.members().get(1)))
        .as("a topic id the group no longer names")
        .isEmpty();
    var lags =
        GroupLags.lags(
            g, Map.of(new TopicPartition("a", 0), 1L, new TopicPartition("gone", 0), 1L));
    assertThat(lags)
        .extracting(l -> l.topic() + ":" + l.owner().consumerId())
        .containsExactly("a:m1", "gone:");
    assertThat(lags.get(1).owner().isNobody()).isTrue();
  }
}
