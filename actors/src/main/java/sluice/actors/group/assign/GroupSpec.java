package sluice.actors.group.assign;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an {@link Assignor} is given: the group's members and the metadata of the topics they
 * subscribe to.
 *
 * <p>The assignors read it leniently, so the coordinator can pass what it has without cleaning it
 * first: a subscribed name missing from {@code topics} (not created yet, or deleted) has no
 * partitions to assign; {@code topics} may hold topics nobody subscribes to. A member's current
 * assignment counts only where it still holds: a topic id in {@code topics} that the member
 * subscribes to, a partition below the count, and not claimed by a member earlier in member-id
 * order (a partition claimed twice is kept by one). The partitions of members that left are simply
 * claimed by nobody.
 *
 * @param members unique member ids; order does not matter
 * @param topics unique ids and names; order does not matter
 */
public record GroupSpec(List<AssignmentMember> members, List<SubscribedTopic> topics) {

  public GroupSpec {
    members = List.copyOf(members);
    topics = List.copyOf(topics);
    Set<String> seen = new HashSet<>();
    for (AssignmentMember member : members) {
      if (!seen.add(member.memberId())) {
        throw new IllegalArgumentException("member " + member.memberId() + " appears twice");
      }
    }
    Set<String> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (SubscribedTopic topic : topics) {
      if (!ids.add(topic.topicId()) || !names.add(topic.name())) {
        throw new IllegalArgumentException(
            "topic " + topic.name() + " (" + topic.topicId() + ") appears twice");
      }
    }
  }
}
