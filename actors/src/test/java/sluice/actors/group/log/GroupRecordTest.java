package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupRecordTest {

  @Test
  void aTombstoneHasNoValueBytes() {
    GroupRecord tombstone = GroupRecord.tombstone(new RecordKey.MemberMetadata("g", "m"));
    assertThat(tombstone.isTombstone()).isTrue();
    assertThat(tombstone.valueBytes()).isNull();
    assertThat(GroupRecord.decode(tombstone.keyBytes(), null)).isEqualTo(tombstone);
  }

  @Test
  void aValueMustBeOfItsKeysType() {
    assertThatThrownBy(
            () ->
                new GroupRecord(
                    new RecordKey.GroupMetadata("g"), new RecordValue.TargetAssignmentMetadata(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a target assignment metadata value under a group metadata key");
  }

  @Test
  void valueBytesAreReadAsTheKeysType() {
    byte[] epochValue = ValueFormat.encode(new RecordValue.GroupMetadata(7));
    // The same bytes under a target assignment metadata key are that key's value.
    GroupRecord decoded =
        GroupRecord.decode(
            KeyFormat.encode(new RecordKey.TargetAssignmentMetadata("g")), epochValue);
    assertThat(decoded.value()).isEqualTo(new RecordValue.TargetAssignmentMetadata(7));
    assertThatThrownBy(
            () ->
                GroupRecord.decode(
                    KeyFormat.encode(new RecordKey.OffsetCommit("g", "t", 0)), epochValue))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessage("offset commit value: offset needs 8 bytes at position 2, only 4 left");
  }

  @Test
  void equalAssignmentsAreEqualWhateverCollectionsBuiltThem() {
    var fromSets =
        new RecordValue.TargetAssignmentMember(Map.of("b", Set.of(2, 0), "a", Set.of(1)));
    var fromSorted =
        new RecordValue.TargetAssignmentMember(
            new java.util.TreeMap<>(
                Map.of("a", new java.util.TreeSet<>(Set.of(1)), "b", Set.of(0, 2))));
    assertThat(fromSets).isEqualTo(fromSorted);
    assertThat(ValueFormat.encode(fromSets)).isEqualTo(ValueFormat.encode(fromSorted));
    assertThat(fromSets.partitions().keySet()).containsExactly("a", "b");
    assertThat(fromSets.partitions().get("b")).containsExactly(0, 2);
  }
}
