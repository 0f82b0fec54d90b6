package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ProduceRecord;

class PartitionerTest {
  private static ProduceRecord keyed(String key) {
    return new ProduceRecord(
        null, key.getBytes(StandardCharsets.UTF_8), new byte[] {1}, null, null);
  }

  private static ProduceRecord keyless() {
    return new ProduceRecord(null, null, new byte[] {1}, List.of(), null);
  }

  @Test
  void anExplicitPartitionWinsOverTheKey() {
    var request = new Partitioner(new Random(1)).startRequest("t", 8);
    var record = new ProduceRecord(5, "k".getBytes(StandardCharsets.UTF_8), null, null, null);
    assertThat(request.partitionFor(record)).isEqualTo(5);
  }

  @Test
  void anExplicitPartitionOutOfRangeIsPassedThroughForTheCallerToRefuse() {
    var request = new Partitioner(new Random(1)).startRequest("t", 2);
    assertThat(request.partitionFor(new ProduceRecord(7, null, null, null, null))).isEqualTo(7);
  }

  @Test
  void aKeyAlwaysLandsOnTheSamePartitionAsWithKafka() {
    var partitioner = new Partitioner(new Random(2));
    for (int request = 0; request < 5; request++) {
      var choice = partitioner.startRequest("t", 12);
      for (int i = 0; i < 100; i++) {
        byte[] key = ("user-" + i).getBytes(StandardCharsets.UTF_8);
        assertThat(choice.partitionFor(keyed("user-" + i)))
            .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 12);
      }
    }
  }

  @Test
  void keylessRecordsOfOneRequestShareOnePartition() {
    var choice = new Partitioner(new Random(3)).startRequest("t", 6);
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      used.add(choice.partitionFor(keyless()));
    }
    assertThat(used).containsExactly(choice.stickyPartition());
  }

  @Test
  void eachRequestMovesTheStickyPartitionAndAllPartitionsGetUsed() {
    var partitioner = new Partitioner(new Random(4));
    Set<Integer> used = new HashSet<>();
    int previous = -1;
    for (int i = 0; i < 200; i++) {
      int sticky = partitioner.startRequest("t", 4).stickyPartition();
      assertThat(sticky).isBetween(0, 3).isNotEqualTo(previous);
      used.add(sticky);
      previous = sticky;
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void stickyPartitionsAreKeptPerTopic() {
    var partitioner = new Partitioner(new Random(5));
    int a = partitioner.startRequest("a", 5).stickyPartition();
    int b = partitioner.startRequest("b", 5).stickyPartition();
    assertThat(partitioner.startRequest("a", 5).stickyPartition()).isNotEqualTo(a);
    assertThat(partitioner.startRequest("b", 5).stickyPartition()).isNotEqualTo(b);
  }

  @Test
  void aSinglePartitionTopicAlwaysUsesPartitionZero() {
    var partitioner = new Partitioner(new Random(6));
    for (int i = 0; i < 10; i++) {
      assertThat(partitioner.startRequest("t", 1).stickyPartition()).isZero();
    }
  }
}
