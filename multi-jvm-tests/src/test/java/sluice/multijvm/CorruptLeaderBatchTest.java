package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.PartitionState;
import sluice.storage.record.Batches;
import sluice.storage.record.RecordBatch;

/**
 * A byte flipped in a closed segment of a partition leader's own log, on three real brokers (RF 3,
 * {@code min.insync.replicas=2}): a consumer's fetch meets the corrupt batch, the leader reads its
 * own copy back, finds it corrupt and resigns.
 *
 * <p>What must hold: leadership moves to an in-sync replica (a new leader epoch); the old leader,
 * now a follower, cuts its log at the corrupt batch, fetches it again and rejoins the ISR; every
 * acknowledged record is read back exactly once, at dense offsets, through every broker; and the
 * old leader's log no longer holds a batch that fails its CRC.
 */
@Timeout(300)
class CorruptLeaderBatchTest {
  /** From the consumer meeting the bad batch to the new leader: no failure detector involved. */
  private static final Duration MOVE = Duration.ofSeconds(30);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void aLeaderWithACorruptBatchOnDiskHandsOverRepairsItsLogAndRejoinsTheIsr() throws Exception {
    TestCluster cluster = clusters.prepare(3).start();
    BrokerClient admin = cluster.broker(1).http();
    admin
        .send(
            "POST",
            "/v3/clusters/" + admin.clusterId() + "/topics",
            """
            {"topic_name": "flipped", "partitions_count": 1, "replication_factor": 3,
             "configs": [{"name": "min.insync.replicas", "value": "2"},
                         {"name": "segment.bytes", "value": "4096"}]}""")
        .expect(201);
    PartitionState before = cluster.awaitInSync("flipped", 0);
    int oldLeader = before.leader();
    BrokerClient leader = cluster.broker(oldLeader).http();

    List<String> acked = new ArrayList<>();
    for (int request = 0; request < 40; request++) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        values.add("r" + request + "-" + i + "-" + "x".repeat(100));
      }
      leader.produce("flipped", 0, values, "all");
      acked.addAll(values);
    }
    before = cluster.awaitInSync("flipped", 0);
    Path partitionDir = cluster.broker(oldLeader).dataDir().resolve("flipped-0");
    List<Path> segments = segments(partitionDir);
    assertThat(segments).as("closed segments to corrupt").hasSizeGreaterThan(2);
    long corruptOffset = flipTheLastByteOfTheSecondBatch(segments.get(0));

    // A consumer meets the bad batch: the leader hears of it and checks its own copy.
    BrokerClient.Response corrupt =
        cluster
            .broker(1)
            .http()
            .get("/topics/flipped/partitions/0/records?offset=%d".formatted(corruptOffset));
    assertThat(corrupt.status()).as(corrupt.body()).isNotEqualTo(200);
    assertThat(corrupt.body()).contains("offset " + corruptOffset);

    PartitionState moved = cluster.awaitNewLeader("flipped", 0, before, MOVE);
    assertThat(moved.leader()).isNotEqualTo(oldLeader);
    PartitionState repaired =
        cluster.awaitPartition(
            "flipped",
            0,
            "has broker %d back in its ISR".formatted(oldLeader),
            s -> s.isr().contains(oldLeader) && s.fullyInSync(),
            TestCluster.AWAIT);
    assertThat(repaired.leader()).isNotEqualTo(oldLeader);
    assertThat(cluster.broker(oldLeader).log())
        .as("the old leader cut its log at the corrupt batch")
        .contains("is corrupt here");

    for (BrokerProcess broker : cluster.brokers()) {
      List<Consumed> read = broker.http().readCommitted("flipped", 0);
      assertThat(read.stream().map(Consumed::value).toList())
          .as("every acknowledged record, once, in order, through broker %d", broker.brokerId())
          .isEqualTo(acked);
      for (int i = 0; i < read.size(); i++) {
        assertThat(read.get(i).offset()).as("dense offsets").isEqualTo(i);
      }
    }
    List<Long> baseOffsets = new ArrayList<>();
    for (Path segment : segments(partitionDir)) {
      for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(Files.readAllBytes(segment)))) {
        batch.ensureValid();
        baseOffsets.add(batch.baseOffset());
      }
    }
    assertThat(baseOffsets)
        .as("the old leader holds the batch again, whole")
        .contains(corruptOffset);
  }

  private static List<Path> segments(Path partitionDir) throws Exception {
    try (Stream<Path> files = Files.list(partitionDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  /** Flips the last byte of the second batch of {@code segment}; returns its base offset. */
  private static long flipTheLastByteOfTheSecondBatch(Path segment) throws Exception {
    byte[] bytes = Files.readAllBytes(segment);
    int position = 0;
    int index = 0;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
      if (index++ == 1) {
        int last = position + batch.sizeInBytes() - 1;
        bytes[last] ^= 0x40;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(bytes, last, 1), last);
        }
        return batch.baseOffset();
      }
      position += batch.sizeInBytes();
    }
    throw new AssertionError("no second batch in " + segment);
  }
}
