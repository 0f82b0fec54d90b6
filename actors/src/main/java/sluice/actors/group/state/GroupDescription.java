package sluice.actors.group.state;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.log.RecordValue.OffsetCommit;

/**
 * A group as an admin sees it ({@code kafka-consumer-groups --describe}, REST Proxy v3). Lag needs
 * the partitions' high watermarks, which the caller adds. Partitions are by topic id, as in the
 * records; {@link #topicNames} turns the group's ids into names.
 *
 * @param assignor the assignor the next target assignment would use
 * @param topicNames topic id to name, for the topics the group subscribes to
 */
public record GroupDescription(
    String groupId,
    GroupState state,
    int groupEpoch,
    int assignmentEpoch,
    String assignor,
    List<MemberDescription> members,
    Map<String, String> topicNames,
    SortedMap<TopicPartition, OffsetCommit> offsets) {

  /** One member: who it is, what it subscribes to, what it owns and what it is heading for. */
  public record MemberDescription(
      String memberId,
      String instanceId,
      String rackId,
      String clientId,
      String clientHost,
      int memberEpoch,
      MemberState memberState,
      Set<String> subscribedTopicNames,
      String subscribedTopicRegex,
      Map<String, Set<Integer>> assignment,
      Map<String, Set<Integer>> targetAssignment) {}

  static GroupDescription of(
      GroupStateMachine machine,
      ConsumerGroup group,
      SortedMap<TopicPartition, OffsetCommit> offsets) {
    List<MemberDescription> members =
        group.members().stream()
            .map(
                m ->
                    new MemberDescription(
                        m.memberId(),
                        m.instanceId(),
                        m.metadata().rackId(),
                        m.metadata().clientId(),
                        m.metadata().clientHost(),
                        m.epoch(),
                        m.state(),
                        m.metadata().subscribedTopicNames(),
                        m.metadata().subscribedTopicRegex(),
                        m.assigned(),
                        m.target()))
            .toList();
    Map<String, String> names = new java.util.TreeMap<>();
    group.subscription().forEach((name, topic) -> names.put(topic.topicId(), name));
    return new GroupDescription(
        group.groupId(),
        machine.state(),
        group.groupEpoch(),
        group.targetEpoch(),
        TargetAssignments.assignorName(group, machine.defaultAssignor()),
        members,
        names,
        offsets);
  }
}
