package sluice.bench.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

  @Test
  void aRecordIsItsPartitionAndOffsetAndEveryDeliveryAfterItsFirstIsADuplicate() {
    DeliveryLedger ledger = new DeliveryLedger(3);

    assertThat(ledger.record(0, 5)).isTrue();
    assertThat(ledger.record(1, 5)).isTrue();
    assertThat(ledger.record(0, 5)).isFalse();
    assertThat(ledger.record(0, 5)).isFalse();
    assertThat(ledger.record(2, 0)).isTrue();
    assertThat(ledger.record(0, 6)).isTrue();

    assertThat(ledger.distinct()).isEqualTo(4);
    assertThat(ledger.duplicates()).isEqualTo(2);
  }

  @Test
  void aPartitionOrOffsetOutsideTheTopicIsRefusedWithItsValue() {
    DeliveryLedger ledger = new DeliveryLedger(12);

    assertThatThrownBy(() -> ledger.record(12, 0)).hasMessageContaining("partition 12");
    assertThatThrownBy(() -> ledger.record(0, -1)).hasMessageContaining("offset -1");
    assertThatThrownBy(() -> new DeliveryLedger(0)).hasMessageContaining("0");
  }
}
