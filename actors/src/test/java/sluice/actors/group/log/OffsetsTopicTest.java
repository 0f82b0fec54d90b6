package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class OffsetsTopicTest {

  @Test
  void aGroupLandsOnItsHashModuloThePartitionCount() {
    // "" hashes to 0; "a" to 97; "ab" to 97 * 31 + 98 = 3105.
    assertThat(OffsetsTopic.partitionFor("", 50)).isZero();
    assertThat(OffsetsTopic.partitionFor("a", 50)).isEqualTo(97 % 50);
    assertThat(OffsetsTopic.partitionFor("ab", 50)).isEqualTo(3105 % 50);
    assertThat(OffsetsTopic.partitionFor("ab", 1)).isZero();
  }

  @Test
  void aNegativeHashIsTakenByItsAbsoluteValue() {
    assertThat("my-group".hashCode()).isEqualTo(-1_906_497_762);
    assertThat(OffsetsTopic.partitionFor("my-group", 50)).isEqualTo(1_906_497_762 % 50);
    assertThat(OffsetsTopic.partitionFor("my-group", 50)).isEqualTo(12);
  }

  @Test
  void theMinimumHashGoesToPartitionZeroNotANegativeOne() {
    assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
    // Math.abs(Integer.MIN_VALUE) % 50 would be -48.
    assertThat(OffsetsTopic.partitionFor("polygenelubricants", 50)).isZero();
    assertThat(OffsetsTopic.partitionFor("polygenelubricants", 7)).isZero();
  }

  @Property(tries = 2000)
  void partitionForEqualsKafkasRule(
      @ForAll String groupId, @ForAll @IntRange(min = 1, max = 1000) int partitions) {
    assertThat(OffsetsTopic.partitionFor(groupId, partitions))
        .isEqualTo(Utils.abs(groupId.hashCode()) % partitions);
  }

  @Test
  void aPartitionCountBelowOneIsRefused() {
    assertThatThrownBy(() -> OffsetsTopic.partitionFor("g", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partition count 0 is not positive");
  }
}
