package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key bytes written out by hand: compaction depends on them never changing. */
class KeyFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void anOffsetCommitKeyIsTypeGroupTopicPartition() {
    byte[] bytes = KeyFormat.encode(new RecordKey.OffsetCommit("g1", "orders", 7));
    assertThat(HEX.formatHex(bytes))
        .isEqualTo(
            "0001" // type 1
                + "0002"
                + "6731" // "g1"
                + "0006"
                + "6f7264657273" // "orders"
                + "00000007"); // partition 7
  }

  @Test
  void groupKeysAreTypeAndGroup() {
    assertThat(HEX.formatHex(KeyFormat.encode(new RecordKey.GroupMetadata("g"))))
        .isEqualTo("0003" + "0001" + "67");
    assertThat(HEX.formatHex(KeyFormat.encode(new RecordKey.SubscriptionMetadata("g"))))
        .isEqualTo("0004" + "0001" + "67");
    assertThat(HEX.formatHex(KeyFormat.encode(new RecordKey.TargetAssignmentMetadata(""))))
        .isEqualTo("0006" + "0000");
  }

  @Test
  void memberKeysAreTypeGroupAndMember() {
    String groupAndMember = "0001" + "67" + "0002" + "6d31"; // "g", "m1"
    assertThat(HEX.formatHex(KeyFormat.encode(new RecordKey.MemberMetadata("g", "m1"))))
        .isEqualTo("0005" + groupAndMember);
    assertThat(HEX.formatHex(KeyFormat.encode(new RecordKey.TargetAssignmentMember("g", "m1"))))
        .isEqualTo("0007" + groupAndMember);
    assertThat(HEX.formatHex(KeyFormat.encode(new RecordKey.CurrentMemberAssignment("g", "m1"))))
        .isEqualTo("0008" + groupAndMember);
  }

  @Test
  void stringsAreUtf8WithTheirByteLength() {
    // "é" is two bytes in UTF-8, "😀" four (a surrogate pair in Java).
    byte[] bytes = KeyFormat.encode(new RecordKey.GroupMetadata("é😀"));
    assertThat(HEX.formatHex(bytes)).isEqualTo("0003" + "0006" + "c3a9" + "f09f9880");
  }

  @Test
  void unknownTypesAreRefusedIncludingKafkasOnesSluiceDoesNotWrite() {
    for (int type : List.of(0, 2, 9, 0xffff)) {
      byte[] bytes = HEX.parseHex(String.format("%04x", type) + "0001" + "67");
      assertThatThrownBy(() -> KeyFormat.decode(bytes))
          .isInstanceOf(CorruptGroupRecordException.class)
          .hasMessage("key: unknown record type " + (short) type);
    }
  }

  @Test
  void aKeyCutShortIsRefusedNamingTheField() {
    byte[] whole = KeyFormat.encode(new RecordKey.OffsetCommit("g1", "orders", 7));
    assertThatThrownBy(() -> KeyFormat.decode(Arrays.copyOf(whole, whole.length - 1)))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessage("offset commit key: partition needs 4 bytes at position 14, only 3 left");
    assertThatThrownBy(() -> KeyFormat.decode(HEX.parseHex("0005" + "0004" + "6767")))
        .hasMessage("member metadata key: groupId needs 4 bytes at position 4, only 2 left");
    assertThatThrownBy(() -> KeyFormat.decode(new byte[] {0}))
        .hasMessage("key: type needs 2 bytes at position 0, only 1 left");
  }

  @Test
  void bytesAfterTheLastFieldAreRefused() {
    assertThatThrownBy(() -> KeyFormat.decode(HEX.parseHex("0003" + "0001" + "67" + "00")))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessage("group metadata key: 1 trailing bytes after the last field, at position 5");
  }

  @Test
  void aNullOrNonUtf8StringIsRefused() {
    assertThatThrownBy(() -> KeyFormat.decode(HEX.parseHex("0003" + "ffff")))
        .hasMessage("group metadata key: groupId is null at position 2");
    assertThatThrownBy(() -> KeyFormat.decode(HEX.parseHex("0003" + "fffe")))
        .hasMessage("group metadata key: groupId has length -2 at position 2");
    assertThatThrownBy(() -> KeyFormat.decode(HEX.parseHex("0003" + "0002" + "c328")))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessageStartingWith("group metadata key: groupId at position 2 is not UTF-8");
  }

  @Test
  void aNegativePartitionIsRefused() {
    assertThatThrownBy(() -> KeyFormat.decode(HEX.parseHex("0001" + "0000" + "0000" + "ffffffff")))
        .hasMessage("offset commit key: partition -1 is negative");
  }

  @Test
  void aStringThatCannotBeWrittenExactlyIsRefusedOnEncoding() {
    assertThatThrownBy(() -> KeyFormat.encode(new RecordKey.GroupMetadata("a\uD800b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("groupId is not valid Unicode");
    String tooLong = "é".repeat(16_384); // 32768 bytes in UTF-8
    assertThatThrownBy(() -> KeyFormat.encode(new RecordKey.GroupMetadata(tooLong)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupId is 32768 bytes in UTF-8, over the 32767 a record string holds");
    String longest = "a".repeat(32_767);
    assertThat(KeyFormat.decode(KeyFormat.encode(new RecordKey.GroupMetadata(longest))))
        .isEqualTo(new RecordKey.GroupMetadata(longest));
  }
}
