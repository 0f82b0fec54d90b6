package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupCurrentMemberAssignmentKey;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupMemberMetadataKey;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupPartitionMetadataKey;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupTargetAssignmentMemberKey;
import org.apache.kafka.coordinator.group.generated.ConsumerGroupTargetAssignmentMetadataKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;

/** Our keys are Kafka 4.1's keys for the same things, byte for byte. */
class KafkaKeyBytesTest {

  @Property(tries = 300)
  void keysEqualKafkasBytes(
      @ForAll @StringLength(max = 30) @CharRange(from = 0, to = 0xD7FF) String group,
      @ForAll @StringLength(max = 30) @CharRange(from = 0, to = 0xD7FF) String other,
      @ForAll @IntRange(min = 0) int partition) {
    assertThat(KeyFormat.encode(new RecordKey.OffsetCommit(group, other, partition)))
        .isEqualTo(
            kafka(new OffsetCommitKey().setGroup(group).setTopic(other).setPartition(partition)));
    assertThat(KeyFormat.encode(new RecordKey.GroupMetadata(group)))
        .isEqualTo(kafka(new ConsumerGroupMetadataKey().setGroupId(group)));
    assertThat(KeyFormat.encode(new RecordKey.SubscriptionMetadata(group)))
        .isEqualTo(kafka(new ConsumerGroupPartitionMetadataKey().setGroupId(group)));
    assertThat(KeyFormat.encode(new RecordKey.MemberMetadata(group, other)))
        .isEqualTo(
            kafka(new ConsumerGroupMemberMetadataKey().setGroupId(group).setMemberId(other)));
    assertThat(KeyFormat.encode(new RecordKey.TargetAssignmentMetadata(group)))
        .isEqualTo(kafka(new ConsumerGroupTargetAssignmentMetadataKey().setGroupId(group)));
    assertThat(KeyFormat.encode(new RecordKey.TargetAssignmentMember(group, other)))
        .isEqualTo(
            kafka(
                new ConsumerGroupTargetAssignmentMemberKey().setGroupId(group).setMemberId(other)));
    assertThat(KeyFormat.encode(new RecordKey.CurrentMemberAssignment(group, other)))
        .isEqualTo(
            kafka(
                new ConsumerGroupCurrentMemberAssignmentKey()
                    .setGroupId(group)
                    .setMemberId(other)));
  }

  private static byte[] kafka(ApiMessage key) {
    return MessageUtil.toCoordinatorTypePrefixedBytes(key);
  }
}
