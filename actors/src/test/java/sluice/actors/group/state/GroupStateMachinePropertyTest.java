package sluice.actors.group.state;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.group.state.GroupHarness.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue.CurrentMemberAssignment;
import sluice.actors.group.state.OffsetCommitRequest.Offset;

/**
 * Random lives of a group: members join, heartbeat, hold on to partitions, rejoin under their id
 * with epoch 0 after dropping their partitions (as a fenced client does), leave, leave for a while
 * and come back under a new id, fall silent past their session; topics grow and appear; members
 * commit; HTTP consumer instances are created (some retried, some under a taken name), updated,
 * deleted and expire. After every step each invariant is a named check; jqwik prints the seed.
 */
class GroupStateMachinePropertyTest {
  private static final int SLOTS = 6;
  private static final int STATIC_FROM = 4;

  @Property(tries = 150)
  void noPartitionIsEverHeldTwiceAndAReloadRebuildsTheSameState(@ForAll long seed) {
    live(seed);
  }

  static void live(long seed) {
    Random random = new Random(seed);
    GroupHarness group = new GroupHarness(topic("t1", 1 + random.nextInt(6)), topic("t2", 3));
    ScriptedMember[] slots = new ScriptedMember[SLOTS];
    int[] generation = new int[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = newMember(group, i, 0, random);
    }
    Map<String, StoredInstance> instances = new HashMap<>();
    for (int step = 0; step < 60; step++) {
      int i = random.nextInt(SLOTS);
      ScriptedMember m = slots[i];
      boolean joined = group.machine.membership().member(m.memberId).isPresent() && m.epoch > 0;
      switch (random.nextInt(12)) {
        case 0, 1 -> {
          if (!joined) {
            m.join();
          } else if (i < STATIC_FROM && random.nextInt(3) == 0) {
            // Fenced (or restarted with its member id): drops everything and joins again.
            m.join();
          }
        }
        case 2, 3 -> m.heartbeat();
        case 4 -> m.heartbeatWithoutRevoking();
        case 5 -> {
          if (i >= STATIC_FROM && joined && random.nextBoolean()) {
            m.leaveTemporarily();
            slots[i] = newMember(group, i, ++generation[i], random);
          } else if (joined) {
            m.leave();
          }
        }
        case 6 -> {
          String name = random.nextBoolean() ? "t1" : "t3";
          int now = group.topics.named(name).map(t -> t.partitions()).orElse(0);
          group.topics = group.topics.with(topic(name, now + 1 + random.nextInt(2)));
        }
        case 7 -> {
          group.advance(Duration.ofSeconds(random.nextInt(25)));
          Expired expired = group.expire();
          long now = group.clock.millis();
          expired
              .instances()
              .forEach(
                  name ->
                      assertThat(instances.remove(name).touchedAt() + INSTANCE_TIMEOUT_MS)
                          .as("instance %s expired at %s", name, now)
                          .isLessThan(now));
        }
        case 8, 9 -> putOrDeleteInstance(group, instances, random);
        default -> commitOwned(group, m);
      }
      instancesAreWhatWasAcceptedLessWhatExpired(group, instances);
      noPartitionIsHeldByTwoMembers(group);
      liveMembersOwnOnlyWhatTheCoordinatorHoldsForThem(group, slots);
    }
    aReloadAndACompactedReloadRebuildTheSameState(group);
    withEveryoneHeartbeatingTheGroupSettlesWithEveryPartitionOwned(group, slots);
    noPartitionIsHeldByTwoMembers(group);
    aReloadAndACompactedReloadRebuildTheSameState(group);
  }

  private static final long INSTANCE_TIMEOUT_MS =
      GroupConfig.defaults().consumerInstanceTimeoutMs();

  /** Creates (sometimes retried, sometimes under a taken name), updates or deletes an instance. */
  private static void putOrDeleteInstance(
      GroupHarness group, Map<String, StoredInstance> model, Random random) {
    String name = "instance-" + random.nextInt(3);
    String memberId = "http-" + random.nextInt(2);
    StoredInstance stored = model.get(name);
    StoredInstance instance =
        new StoredInstance(
            memberId,
            "BINARY",
            "EARLIEST",
            random.nextBoolean(),
            1,
            30_000,
            random.nextBoolean() ? List.of("t1") : null,
            null,
            null,
            group.clock.millis());
    switch (random.nextInt(3)) {
      case 0 -> {
        InstanceOutcome created = group.apply(group.machine.putInstance(name, instance, true));
        if (stored == null) {
          assertThat(created.instance()).isEqualTo(instance);
          model.put(name, instance);
        } else if (stored.memberId().equals(memberId)) {
          assertThat(created.instance()).as("a retried create").isEqualTo(stored);
        } else {
          assertThat(created.refusal().error()).isEqualTo(GroupError.CONSUMER_INSTANCE_EXISTS);
        }
      }
      case 1 -> {
        InstanceOutcome updated = group.apply(group.machine.putInstance(name, instance, false));
        if (stored == null) {
          assertThat(updated.refusal().error()).isEqualTo(GroupError.UNKNOWN_CONSUMER_INSTANCE);
        } else {
          model.put(name, instance);
        }
      }
      default -> {
        InstanceOutcome deleted = group.apply(group.machine.deleteInstance(name));
        assertThat(deleted.instance()).isEqualTo(stored);
        model.remove(name);
      }
    }
  }

  static void instancesAreWhatWasAcceptedLessWhatExpired(
      GroupHarness group, Map<String, StoredInstance> model) {
    assertThat(group.machine.instances()).isEqualTo(model);
  }

  private static ScriptedMember newMember(GroupHarness group, int slot, int gen, Random random) {
    List<String> topics =
        switch (random.nextInt(3)) {
          case 0 -> List.of("t1");
          case 1 -> List.of("t1", "t2");
          default -> List.of("t2", "t3");
        };
    String id = "m" + slot + "-" + gen;
    return slot >= STATIC_FROM
        ? group.staticMember(id, "instance-" + slot, topics.toArray(String[]::new))
        : group.member(id, topics.toArray(String[]::new));
  }

  private static void commitOwned(GroupHarness group, ScriptedMember m) {
    Map<TopicPartition, Offset> offsets = new HashMap<>();
    m.owned.forEach(
        (topicId, ps) ->
            ps.forEach(
                p -> offsets.put(new TopicPartition(topicId.substring(3), p), Offset.of(p))));
    PartitionResults r =
        group.apply(
            group.machine.commitOffsets(
                new OffsetCommitRequest("g", m.memberId, m.epoch, offsets), group.clock.millis()));
    boolean current =
        group.machine.membership().member(m.memberId).filter(x -> x.epoch() == m.epoch).isPresent();
    if (current) {
      assertThat(r.refused()).as("a member at its epoch commits what it owns").isEmpty();
    }
  }

  /** Held = assigned or pending revocation, as the replayed records say. */
  static void noPartitionIsHeldByTwoMembers(GroupHarness group) {
    Map<String, String> holder = new HashMap<>();
    group
        .machine
        .image()
        .assignments()
        .forEach(
            (memberId, a) ->
                forEachHeld(
                    a,
                    (topicId, p) -> {
                      String other = holder.put(topicId + "-" + p, memberId);
                      assertThat(other)
                          .as("partition %s-%s held by %s and %s", topicId, p, other, memberId)
                          .isNull();
                    }));
  }

  /** A client the coordinator still counts consumes only partitions the records hold for it. */
  static void liveMembersOwnOnlyWhatTheCoordinatorHoldsForThem(
      GroupHarness group, ScriptedMember[] slots) {
    for (ScriptedMember m : slots) {
      group
          .machine
          .membership()
          .member(m.memberId)
          .filter(member -> member.epoch() >= 0)
          .ifPresent(
              member ->
                  m.owned.forEach(
                      (topicId, ps) ->
                          ps.forEach(
                              p ->
                                  assertThat(member.owns(topicId, p))
                                      .as("%s consumes %s-%s", m.memberId, topicId, p)
                                      .isTrue())));
    }
  }

  static void aReloadAndACompactedReloadRebuildTheSameState(GroupHarness group) {
    GroupStateMachine reloaded = group.reloaded();
    assertThat(reloaded.image()).isEqualTo(group.machine.image());
    assertThat(reloaded.fetchOffsets(null)).isEqualTo(group.machine.fetchOffsets(null));
    assertThat(reloaded.state()).isEqualTo(group.machine.state());
    assertThat(reloaded.instances()).isEqualTo(group.machine.instances());

    GroupStateMachine compacted = new GroupStateMachine(GroupHarness.GROUP, GroupConfig.defaults());
    compact(group.log).forEach(compacted::replay);
    assertThat(compacted.image()).isEqualTo(group.machine.image());
    assertThat(compacted.fetchOffsets(null)).isEqualTo(group.machine.fetchOffsets(null));
    assertThat(compacted.instances()).isEqualTo(group.machine.instances());
  }

  /** What compaction leaves once tombstones are past their retention: each key's last value. */
  static List<GroupRecord> compact(List<GroupRecord> log) {
    Map<RecordKey, Integer> last = new HashMap<>();
    for (int i = 0; i < log.size(); i++) {
      last.put(log.get(i).key(), i);
    }
    List<GroupRecord> kept = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      GroupRecord r = log.get(i);
      if (last.get(r.key()) == i && !r.isTombstone()) {
        kept.add(r);
      }
    }
    return kept;
  }

  private static void withEveryoneHeartbeatingTheGroupSettlesWithEveryPartitionOwned(
      GroupHarness group, ScriptedMember[] slots) {
    for (ScriptedMember m : slots) {
      if (group.machine.membership().member(m.memberId).filter(x -> x.epoch() >= 0).isEmpty()) {
        m.join();
      }
    }
    for (int round = 0; round < 6; round++) {
      for (ScriptedMember m : slots) {
        m.heartbeat();
      }
    }
    assertThat(group.machine.state())
        .as("after every member heartbeated: %s", group.machine.describe())
        .isEqualTo(GroupState.STABLE);
    Map<String, Integer> owned = new LinkedHashMap<>();
    for (ScriptedMember m : slots) {
      m.owned.forEach((t, ps) -> owned.merge(t, ps.size(), Integer::sum));
    }
    group
        .machine
        .membership()
        .subscription()
        .forEach(
            (name, t) ->
                assertThat(owned.getOrDefault(t.topicId(), 0))
                    .as("partitions of %s consumed", name)
                    .isEqualTo(t.partitionCount()));
  }

  private static void forEachHeld(
      CurrentMemberAssignment a, java.util.function.BiConsumer<String, Integer> action) {
    for (Map<String, Set<Integer>> m :
        List.of(a.assignedPartitions(), a.partitionsPendingRevocation())) {
      m.forEach((t, ps) -> ps.forEach(p -> action.accept(t, p)));
    }
  }
}
