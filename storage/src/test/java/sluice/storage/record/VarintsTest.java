package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VarintsTest {
  private static String encodeInt(int value) {
    ByteBuffer buffer = ByteBuffer.allocate(5);
    Varints.writeVarint(value, buffer);
    assertThat(buffer.position()).isEqualTo(Varints.sizeOfVarint(value));
    return HexFormat.of().formatHex(buffer.array(), 0, buffer.position());
  }

  private static String encodeLong(long value) {
    ByteBuffer buffer = ByteBuffer.allocate(10);
    Varints.writeVarlong(value, buffer);
    assertThat(buffer.position()).isEqualTo(Varints.sizeOfVarlong(value));
    return HexFormat.of().formatHex(buffer.array(), 0, buffer.position());
  }

  @Test
  void smallValuesOfEitherSignTakeOneByteThroughZigZag() {
    assertThat(encodeInt(0)).isEqualTo("00");
    assertThat(encodeInt(-1)).isEqualTo("01");
    assertThat(encodeInt(1)).isEqualTo("02");
    assertThat(encodeInt(63)).isEqualTo("7e");
    assertThat(encodeInt(-64)).isEqualTo("7f");
    assertThat(encodeInt(64)).isEqualTo("8001");
    assertThat(encodeInt(300)).isEqualTo("d804");
  }

  @Test
  void extremesUseTheMaximumLength() {
    assertThat(encodeInt(Integer.MAX_VALUE)).isEqualTo("feffffff0f");
    assertThat(encodeInt(Integer.MIN_VALUE)).isEqualTo("ffffffff0f");
    assertThat(encodeLong(Long.MIN_VALUE)).isEqualTo("ffffffffffffffffff01");
    assertThat(encodeLong(Long.MAX_VALUE)).hasSize(20);
  }

  @Test
  void randomValuesRoundTrip() {
    Random random = new Random(42);
    ByteBuffer buffer = ByteBuffer.allocate(15);
    for (int i = 0; i < 10_000; i++) {
      int value = random.nextInt() >> random.nextInt(32);
      long wide = random.nextLong() >> random.nextInt(64);
      buffer.clear();
      Varints.writeVarint(value, buffer);
      Varints.writeVarlong(wide, buffer);
      buffer.flip();
      assertThat(Varints.readVarint(buffer)).isEqualTo(value);
      assertThat(Varints.readVarlong(buffer)).isEqualTo(wide);
      assertThat(buffer.hasRemaining()).isFalse();
    }
  }

  @Test
  void aTruncatedVarintIsCorrupt() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80});
    assertThatThrownBy(() -> Varints.readVarint(buffer))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Truncated varint");
  }

  @Test
  void aVarintLongerThanFiveBytesIsCorrupt() {
    byte[] bytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    assertThatThrownBy(() -> Varints.readVarint(ByteBuffer.wrap(bytes)))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("longer than 5 bytes");
  }
}
