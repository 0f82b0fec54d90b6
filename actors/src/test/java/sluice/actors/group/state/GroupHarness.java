package sluice.actors.group.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import sluice.actors.group.assign.SubscribedTopic;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.testing.ManualClock;

/**
 * A group's state machine as its actor will drive it: every decision's records are "committed"
 * (kept in {@link #log}) and replayed before the answer is handed back. Holds the cluster's topics
 * and a manual clock.
 */
final class GroupHarness {
  static final String GROUP = "g";

  final ManualClock clock = new ManualClock(1_000_000);
  final GroupStateMachine machine;
  final List<GroupRecord> log = new ArrayList<>();
  Topics topics;

  GroupHarness(GroupConfig config, SubscribedTopic... topics) {
    this.machine = new GroupStateMachine(GROUP, config);
    this.topics = Topics.of(topics);
  }

  GroupHarness(SubscribedTopic... topics) {
    this(GroupConfig.defaults(), topics);
  }

  <R> R apply(Result<R> result) {
    result.records().forEach(machine::replay);
    log.addAll(result.records());
    return result.response();
  }

  HeartbeatResponse heartbeat(HeartbeatRequest request) {
    return apply(machine.heartbeat(request, topics, clock.millis()));
  }

  Expired expire() {
    return apply(machine.expire(clock.millis(), topics));
  }

  void advance(Duration duration) {
    clock.advance(duration);
  }

  ScriptedMember member(String memberId, String... topicNames) {
    return new ScriptedMember(this, memberId, null, List.of(topicNames));
  }

  ScriptedMember staticMember(String memberId, String instanceId, String... topicNames) {
    return new ScriptedMember(this, memberId, instanceId, List.of(topicNames));
  }

  /** A fresh state machine fed every record so far: what a new coordinator loads. */
  GroupStateMachine reloaded() {
    GroupStateMachine fresh = new GroupStateMachine(GROUP, GroupConfig.defaults());
    log.forEach(fresh::replay);
    return fresh;
  }

  static SubscribedTopic topic(String name, int partitions) {
    return new SubscribedTopic("id-" + name, name, partitions);
  }
}
