package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  private static final RecordValue.CurrentMemberAssignment ASSIGNMENT =
      new RecordValue.CurrentMemberAssignment(
          5,
          4,
          MemberState.UNREVOKED_PARTITIONS,
          Map.of("t2", Set.of(3, 1), "t1", Set.of(0)),
          Map.of("t1", Set.of(2)));

  @Test
  void anOffsetCommitValueIsVersionOffsetEpochMetadataTimestamp() {
    byte[] bytes = ValueFormat.encode(new RecordValue.OffsetCommit(42, -1, "hi", 1_000));
    assertThat(HEX.formatHex(bytes))
        .isEqualTo(
            "0000" // version 0
                + "000000000000002a" // offset 42
                + "ffffffff" // no leader epoch
                + "0002"
                + "6869" // "hi"
                + "00000000000003e8"); // committed at 1000 ms
  }

  @Test
  void assignmentsAreWrittenSortedByTopicThenPartition() {
    assertThat(HEX.formatHex(ValueFormat.encode(ASSIGNMENT)))
        .isEqualTo(
            "0000" // version 0
                + "00000005" // member epoch
                + "00000004" // previous member epoch
                + "01" // unrevoked partitions
                + "00000002" // assigned: 2 topics
                + "0002"
                + "7431" // "t1"
                + "00000001"
                + "00000000" // [0]
                + "0002"
                + "7432" // "t2"
                + "00000002"
                + "00000001"
                + "00000003" // [1, 3]
                + "00000001" // pending revocation: 1 topic
                + "0002"
                + "7431" // "t1"
                + "00000001"
                + "00000002"); // [2]
  }

  @Test
  void memberMetadataWritesNullsAsLengthMinusOne() {
    var value = new RecordValue.MemberMetadata(null, null, "c", "h", Set.of(), null, 300_000, null);
    assertThat(HEX.formatHex(ValueFormat.encode(value)))
        .isEqualTo(
            "0000" // version 0
                + "ffff" // no instance id
                + "ffff" // no rack id
                + "0001"
                + "63" // client id "c"
                + "0001"
                + "68" // client host "h"
                + "00000000" // no topic names
                + "ffff" // no regex
                + "000493e0" // rebalance timeout 300000 ms
                + "ffff"); // no server assignor
  }

  @Test
  void anUnknownVersionIsRefused() {
    byte[] bytes = ValueFormat.encode(new RecordValue.GroupMetadata(3));
    bytes[1] = 1;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.GROUP_METADATA, bytes))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessage("group metadata value: unknown version 1 (this broker reads 0)");
  }

  @Test
  void everyValueCutShortIsRefused() {
    byte[] whole = ValueFormat.encode(ASSIGNMENT);
    for (int length = 0; length < whole.length; length++) {
      byte[] cut = Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> ValueFormat.decode(RecordType.CURRENT_MEMBER_ASSIGNMENT, cut))
          .as("cut to %d bytes", length)
          .isInstanceOf(CorruptGroupRecordException.class)
          .hasMessageStartingWith("current member assignment value: ");
    }
    assertThatThrownBy(
            () ->
                ValueFormat.decode(
                    RecordType.CURRENT_MEMBER_ASSIGNMENT, Arrays.copyOf(whole, whole.length - 2)))
        .hasMessage(
            "current member assignment value: partitionsPendingRevocation partitions count 1 at"
                + " position 51 does not fit the 2 bytes left");
  }

  @Test
  void bytesAfterTheLastFieldAreRefused() {
    byte[] bytes = Arrays.copyOf(ValueFormat.encode(new RecordValue.GroupMetadata(3)), 8);
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.GROUP_METADATA, bytes))
        .hasMessage("group metadata value: 2 trailing bytes after the last field, at position 6");
  }

  @Test
  void anUnknownMemberStateIsRefused() {
    byte[] bytes = ValueFormat.encode(ASSIGNMENT);
    bytes[10] = 127;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CURRENT_MEMBER_ASSIGNMENT, bytes))
        .hasMessage("current member assignment value: unknown member state 127");
  }

  @Test
  void partitionsOutOfOrderOrRepeatedAreRefused() {
    String header = "0000" + "00000001"; // version, 1 topic
    String topic = "0002" + "7431" + "00000002"; // "t1", 2 partitions
    assertThatThrownBy(() -> targetAssignment(header + topic + "00000003" + "00000001"))
        .hasMessage(
            "target assignment member value: partitions of topic t1: partition 1 follows 3"
                + " (they must be ascending, no duplicate)");
    assertThatThrownBy(() -> targetAssignment(header + topic + "00000001" + "00000001"))
        .hasMessageContaining("partition 1 follows 1");
    assertThatThrownBy(() -> targetAssignment(header + topic + "ffffffff" + "00000001"))
        .hasMessage(
            "target assignment member value: partitions of topic t1: partition -1 is negative");
    String twoTopics = "0000" + "00000002" + "0002" + "7431" + "00000000";
    assertThatThrownBy(() -> targetAssignment(twoTopics + "0002" + "7431" + "00000000"))
        .hasMessage(
            "target assignment member value: partitions topicId t1 follows t1"
                + " (they must be ascending, no duplicate)");
  }

  @Test
  void aCountLargerThanTheBytesLeftIsRefusedBeforeAllocating() {
    assertThatThrownBy(() -> targetAssignment("0000" + "7fffffff"))
        .hasMessage(
            "target assignment member value: partitions count 2147483647 at position 2 does not"
                + " fit the 0 bytes left");
    assertThatThrownBy(() -> targetAssignment("0000" + "ffffffff"))
        .hasMessageContaining("partitions count -1 at position 2");
  }

  @Test
  void aValueItsRecordRefusesIsCorrupt() {
    byte[] bytes = ValueFormat.encode(new RecordValue.OffsetCommit(0, -1, "", 0));
    bytes[2] = (byte) 0x80; // offset becomes negative
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.OFFSET_COMMIT, bytes))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessage("offset commit value: offset -9223372036854775808 is negative");
  }

  @Test
  void topicNamesOfASubscriptionMustBeAscending() {
    String names = "00000002" + "0001" + "62" + "0001" + "61"; // "b", "a"
    byte[] bytes =
        HEX.parseHex(
            "0000" + "ffff" + "ffff" + "0000" + "0000" + names + "ffff" + "00000000" + "ffff");
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.MEMBER_METADATA, bytes))
        .hasMessage(
            "member metadata value: subscribedTopicNames a follows b"
                + " (they must be ascending, no duplicate)");
  }

  @Test
  void recordsRefuseValuesNoCoordinatorWrites() {
    assertThatThrownBy(() -> new RecordValue.OffsetCommit(1, -2, "", 0))
        .hasMessage("leader epoch -2 is below -1");
    assertThatThrownBy(() -> new RecordValue.TargetAssignmentMember(Map.of("t", Set.of(0, -3))))
        .hasMessage("partition -3 of topic t is negative");
    assertThatThrownBy(() -> new RecordValue.SubscribedTopic("id", -1))
        .hasMessage("partition count -1 is negative");
    assertThat(List.of(MemberState.values()))
        .extracting(MemberState::code)
        .containsExactly((byte) 0, (byte) 1, (byte) 2);
  }

  private static RecordValue targetAssignment(String hex) {
    return ValueFormat.decode(RecordType.TARGET_ASSIGNMENT_MEMBER, HEX.parseHex(hex));
  }
}
