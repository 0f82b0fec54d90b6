package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class Murmur2Test {

  @Property(tries = 2000)
  void hashEqualsKafkasMurmur2ForAnyBytes(@ForAll @Size(max = 64) byte[] data) {
    assertThat(Murmur2.hash(data)).isEqualTo(Utils.murmur2(data));
  }

  @Property(tries = 2000)
  void partitionForKeyEqualsKafkasDefaultPartitioner(
      @ForAll @Size(min = 1, max = 40) byte[] key, @ForAll @IntRange(min = 1, max = 10000) int n) {
    assertThat(Murmur2.partitionForKey(key, n)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % n);
  }

  @Test
  void everyTailLengthMatchesKafka() {
    String text = "sluice-key-0123456789";
    for (int length = 0; length <= text.length(); length++) {
      byte[] bytes = text.substring(0, length).getBytes(StandardCharsets.UTF_8);
      assertThat(Murmur2.hash(bytes)).as("length %d", length).isEqualTo(Utils.murmur2(bytes));
    }
  }

  @Test
  void toPositiveClearsTheSignBitLikeKafka() {
    for (int value : new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, -123456789}) {
      assertThat(Murmur2.toPositive(value)).isEqualTo(Utils.toPositive(value));
    }
  }

  @Test
  void aKnownKeyLandsWhereKafkaPutsIt() {
    // Kafka's own DefaultPartitionerTest: murmur2 of "key" with 3 partitions.
    byte[] key = "key".getBytes(StandardCharsets.UTF_8);
    assertThat(Murmur2.hash(key)).isEqualTo(Utils.murmur2(key));
    assertThat(Murmur2.partitionForKey(key, 3)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 3);
  }
}
