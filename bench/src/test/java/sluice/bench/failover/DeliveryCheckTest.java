package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {

  private static BitSet acked(int... seqs) {
    BitSet set = new BitSet();
    for (int s : seqs) {
      set.set(s);
    }
    return set;
  }

  @Test
  void everyAcknowledgedRecordReadBackIsNoLossEvenWithUnacknowledgedExtrasAndDuplicates() {
    DeliveryCheck check = DeliveryCheck.of(acked(0, 1, 2, 4), new long[] {0, 1, 2, 2, 3, 4});

    assertThat(check.noLoss()).isTrue();
    assertThat(check.acknowledged()).isEqualTo(4);
    assertThat(check.readBack()).isEqualTo(6);
    assertThat(check.duplicates()).isEqualTo(1);
    assertThat(check.firstLost()).isEqualTo(-1);
  }

  @Test
  void anAcknowledgedRecordMissingFromThePartitionIsALoss() {
    DeliveryCheck check = DeliveryCheck.of(acked(0, 1, 2, 3, 4), new long[] {0, 1, 4});

    assertThat(check.noLoss()).isFalse();
    assertThat(check.lost()).isEqualTo(2);
    assertThat(check.firstLost()).isEqualTo(2);
  }

  @Test
  void aSequenceNumberOutOfRangeIsRefused() {
    assertThatThrownBy(() -> DeliveryCheck.of(acked(0), new long[] {-1}))
        .hasMessageContaining("-1");
  }
}
