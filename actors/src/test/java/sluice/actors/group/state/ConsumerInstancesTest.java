package sluice.actors.group.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sluice.actors.group.state.GroupHarness.topic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.state.OffsetCommitRequest.Offset;

/**
 * HTTP consumer instance records in the group state machine: put (create and update), get, delete,
 * expiry against a manual clock, and what they do to a group's existence and deletion.
 */
class ConsumerInstancesTest {
  private final GroupHarness group = new GroupHarness(topic("t", 2));

  private StoredInstance instance(String memberId, long touchedAt) {
    return new StoredInstance(
        memberId, "BINARY", "EARLIEST", true, 1, 30_000, List.of("t"), null, null, touchedAt);
  }

  private InstanceOutcome put(String name, StoredInstance instance, boolean create) {
    return group.apply(group.machine.putInstance(name, instance, create));
  }

  @Test
  void aCreatedInstanceIsReadBackAndRebuiltByAReload() {
    StoredInstance i1 = instance("member-1", group.clock.millis());
    InstanceOutcome created = put("i1", i1, true);
    assertThat(created.instance()).isEqualTo(i1);
    assertThat(group.log)
        .singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo(new RecordKey.ConsumerInstance("g", "i1")));
    assertThat(group.machine.instance("i1")).contains(i1);
    assertThat(group.reloaded().instance("i1")).contains(i1);
  }

  @Test
  void aCreateRetriedWithTheSameMemberIdWritesNothingAndAnswersTheStoredRecord() {
    StoredInstance first = instance("member-1", 1_000);
    put("i1", first, true);
    Result<InstanceOutcome> retried =
        group.machine.putInstance("i1", instance("member-1", 2_000), true);
    assertThat(retried.records()).isEmpty();
    assertThat(retried.response().instance()).isEqualTo(first);
  }

  @Test
  void aCreateOfATakenNameUnderAnotherMemberIdIsRefused() {
    put("i1", instance("member-1", 1_000), true);
    Result<InstanceOutcome> second =
        group.machine.putInstance("i1", instance("member-2", 1_000), true);
    assertThat(second.records()).isEmpty();
    assertThat(second.response().refusal().error()).isEqualTo(GroupError.CONSUMER_INSTANCE_EXISTS);
    assertThat(second.response().refusal().message()).contains("i1", "member-1");
  }

  @Test
  void anUpdateReplacesTheRecordAndAnUpdateOfAMissingInstanceIsRefused() {
    Result<InstanceOutcome> missing =
        group.machine.putInstance("i1", instance("member-1", 1_000), false);
    assertThat(missing.records()).isEmpty();
    assertThat(missing.response().refusal().error())
        .isEqualTo(GroupError.UNKNOWN_CONSUMER_INSTANCE);

    put("i1", instance("member-1", 1_000), true);
    StoredInstance resubscribed =
        instance("member-1", 5_000).withSubscription(null, "orders-.*", null);
    assertThat(put("i1", resubscribed, false).instance()).isEqualTo(resubscribed);
    assertThat(group.machine.instance("i1")).contains(resubscribed);
  }

  @Test
  void aDeleteWritesATombstoneAndAnswersTheInstanceAsItWas() {
    StoredInstance i1 = instance("member-1", 1_000);
    put("i1", i1, true);
    InstanceOutcome deleted = group.apply(group.machine.deleteInstance("i1"));
    assertThat(deleted.instance()).isEqualTo(i1);
    assertThat(group.log.get(group.log.size() - 1).isTombstone()).isTrue();
    assertThat(group.machine.instance("i1")).isEmpty();
    assertThat(group.reloaded().instance("i1")).isEmpty();

    Result<InstanceOutcome> again = group.machine.deleteInstance("i1");
    assertThat(again.records()).isEmpty();
    assertThat(again.response().refusal().error()).isEqualTo(GroupError.UNKNOWN_CONSUMER_INSTANCE);
  }

  @Test
  void anInstanceUntouchedForLongerThanTheTimeoutExpires() {
    long timeout = GroupConfig.defaults().consumerInstanceTimeoutMs();
    long now = group.clock.millis();
    put("old", instance("member-1", now), true);
    put("fresh", instance("member-2", now), true);

    group.advance(Duration.ofMillis(timeout));
    put("fresh", instance("member-2", group.clock.millis()), false);
    assertThat(group.expire().instances()).as("exactly the timeout is not past it").isEmpty();

    group.advance(Duration.ofMillis(1));
    Expired expired = group.expire();
    assertThat(expired.instances()).containsExactly("old");
    assertThat(group.machine.instances()).containsOnlyKeys("fresh");
    assertThat(group.reloaded().instances()).containsOnlyKeys("fresh");
  }

  @Test
  void aGroupOfInstancesAloneIsNotAGroupToClientsButItsInstancesStillExpire() {
    put("i1", instance("member-1", group.clock.millis()), true);
    assertThat(group.machine.state()).isEqualTo(GroupState.DEAD);
    assertThat(group.machine.holdsRecords()).isTrue();
    Result<Refusal> delete = group.machine.delete();
    assertThat(delete.response().error()).isEqualTo(GroupError.GROUP_ID_NOT_FOUND);
    assertThat(delete.records()).isEmpty();

    Groups groups = new Groups(GroupConfig.defaults());
    group.log.forEach(groups::replay);
    assertThat(groups.list()).isEmpty();
    assertThat(groups.existing("g")).isEmpty();
    assertThat(groups.withRecords()).containsExactly("g");

    group.advance(Duration.ofMinutes(6));
    assertThat(group.expire().instances()).containsExactly("i1");
    assertThat(group.machine.holdsRecords()).isFalse();
  }

  @Test
  void deletingAnEmptyGroupDeletesItsInstancesFirst() {
    put("i1", instance("member-1", group.clock.millis()), true);
    group.apply(
        group.machine.commitOffsets(
            new OffsetCommitRequest(
                "g", null, -1, Map.of(new TopicPartition("t", 0), Offset.of(7))),
            group.clock.millis()));
    assertThat(group.machine.state()).isEqualTo(GroupState.EMPTY);

    Result<Refusal> deleted = group.machine.delete();
    assertThat(deleted.records())
        .extracting(GroupRecord::key)
        .containsExactly(
            new RecordKey.ConsumerInstance("g", "i1"), new RecordKey.OffsetCommit("g", "t", 0));
    group.apply(deleted);
    assertThat(group.machine.instances()).isEmpty();
    assertThat(group.machine.state()).isEqualTo(GroupState.DEAD);
  }

  @Test
  void anEmptyNameOrAFieldTooLongForARecordIsAMalformedRequest() {
    assertThatThrownBy(() -> group.machine.putInstance("", instance("m", 0), true))
        .isInstanceOf(IllegalArgumentException.class);
    String huge = "x".repeat(40_000);
    assertThatThrownBy(() -> group.machine.putInstance("i1", instance(huge, 0), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memberId");
  }
}
