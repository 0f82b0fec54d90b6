package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequencedValueTest {

  @Test
  void aValueCarriesItsSequenceNumberAndHasTheRecordSize() {
    byte[] value = SequencedValue.encode(1_234_567_890_123L, 100);

    assertThat(value).hasSize(100);
    assertThat(SequencedValue.decode(value)).isEqualTo(1_234_567_890_123L);
    assertThat(SequencedValue.decode(SequencedValue.encode(0, 8))).isZero();
  }

  @Test
  void tooShortValuesAndNegativeNumbersAreRefusedWithTheirValues() {
    assertThatThrownBy(() -> SequencedValue.encode(1, 7)).hasMessageContaining("7");
    assertThatThrownBy(() -> SequencedValue.encode(-2, 100)).hasMessageContaining("-2");
    assertThatThrownBy(() -> SequencedValue.decode(new byte[3])).hasMessageContaining("3 bytes");
  }
}
