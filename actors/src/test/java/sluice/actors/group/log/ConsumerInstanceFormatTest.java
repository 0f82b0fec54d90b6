package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The consumer instance record (Sluice's type 1000): its bytes, and what decoding refuses. */
class ConsumerInstanceFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  private static RecordValue.ConsumerInstance instance(
      List<String> topics, String pattern, List<RecordValue.AssignedPartition> assigned) {
    return new RecordValue.ConsumerInstance(
        "m", "JSON", "EARLIEST", true, 1, 30_000, topics, pattern, assigned, 1_000);
  }

  @Test
  void aConsumerInstanceKeyIsType1000GroupAndInstanceName() {
    byte[] bytes = KeyFormat.encode(new RecordKey.ConsumerInstance("g", "i1"));
    assertThat(HEX.formatHex(bytes)).isEqualTo("03e8" + "0001" + "67" + "0002" + "6931");
    assertThat(KeyFormat.decode(bytes)).isEqualTo(new RecordKey.ConsumerInstance("g", "i1"));
  }

  @Test
  void aConsumerInstanceValueIsItsFieldsWithTheSubscriptionKindInOneByte() {
    byte[] bytes = ValueFormat.encode(instance(List.of("b", "a"), null, null));
    assertThat(HEX.formatHex(bytes))
        .isEqualTo(
            "0000" // version 0
                + "0001"
                + "6d" // member id "m"
                + "0004"
                + "4a534f4e" // "JSON"
                + "0008"
                + "4541524c49455354" // "EARLIEST"
                + "01" // auto commit
                + "00000001" // fetch min bytes
                + "00007530" // request timeout 30000 ms
                + "01" // subscribed to topics
                + "00000002"
                + "0001"
                + "62" // "b", in the order given
                + "0001"
                + "61" // "a"
                + "00000000000003e8"); // touched at 1000 ms
  }

  @Test
  void everySubscriptionKindDecodesToItself() {
    for (RecordValue.ConsumerInstance value :
        List.of(
            instance(null, null, null),
            instance(List.of(), null, null),
            instance(List.of("orders", "payments"), null, null),
            instance(null, "orders-.*", null),
            instance(
                null,
                null,
                List.of(
                    new RecordValue.AssignedPartition("t", 3),
                    new RecordValue.AssignedPartition("t", 0))))) {
      assertThat(ValueFormat.decode(RecordType.CONSUMER_INSTANCE, ValueFormat.encode(value)))
          .isEqualTo(value);
    }
  }

  @Test
  void aTombstoneOfAnInstanceDecodesToItsKey() {
    var key = new RecordKey.ConsumerInstance("g", "i1");
    GroupRecord decoded = GroupRecord.decode(KeyFormat.encode(key), null);
    assertThat(decoded.isTombstone()).isTrue();
    assertThat(decoded.key()).isEqualTo(key);
  }

  @Test
  void damagedValuesAreRefusedNamingTheField() {
    byte[] good = ValueFormat.encode(instance(null, "p", null));
    int kind = 2 + 3 + 6 + 10 + 1 + 4 + 4;
    assertThat(good[kind]).isEqualTo((byte) 2);

    byte[] unknownKind = good.clone();
    unknownKind[kind] = 7;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, unknownKind))
        .isInstanceOf(CorruptGroupRecordException.class)
        .hasMessageContaining("consumer instance value: unknown subscription kind 7");

    byte[] badBoolean = good.clone();
    badBoolean[kind - 9] = 2;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, badBoolean))
        .hasMessageContaining("autoCommitEnable 2 is neither 0 nor 1");

    byte[] cut = Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, cut))
        .hasMessageContaining("touchedAt needs 8 bytes");

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, trailing))
        .hasMessageContaining("1 trailing bytes");

    byte[] assigned =
        ValueFormat.encode(
            instance(null, null, List.of(new RecordValue.AssignedPartition("t", 1))));
    byte[] negative = assigned.clone();
    negative[negative.length - 12] = (byte) 0xff;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, negative))
        .hasMessageContaining("assigned partition");

    byte[] hugeCount = assigned.clone();
    hugeCount[kind + 1] = 0x7f;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, hugeCount))
        .hasMessageContaining("does not fit");

    byte[] newerVersion = good.clone();
    newerVersion[1] = 1;
    assertThatThrownBy(() -> ValueFormat.decode(RecordType.CONSUMER_INSTANCE, newerVersion))
        .hasMessageContaining("consumer instance value: unknown version 1");
  }

  @Test
  void anInstanceWithTwoSubscriptionKindsCannotBeMade() {
    assertThatThrownBy(() -> instance(List.of("t"), "p", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
