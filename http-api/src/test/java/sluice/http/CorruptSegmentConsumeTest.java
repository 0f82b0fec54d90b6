package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.record.Batches;
import sluice.storage.record.RecordBatch;

/**
 * Consuming over real HTTP from a one-node broker whose closed segment has a byte flipped on disk:
 * the records before the corrupt batch are served, and only a consume starting at it fails, naming
 * the partition, the offset and both CRCs.
 */
class CorruptSegmentConsumeTest {
  @TempDir Path dataDir;
  private OneNodeBroker broker;

  @BeforeEach
  void startBroker() throws Exception {
    broker = OneNodeBroker.start("CorruptSegmentConsumeTest", dataDir);
  }

  @AfterEach
  void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void recordsBeforeACorruptBatchAreConsumedAndAConsumeStartingAtItFailsNamingIt()
      throws Exception {
    // two batches of two 200-byte records fit a 1100-byte segment, a third rolls it
    var created =
        broker.send(
            "POST",
            broker.topics(),
            "application/json",
            """
            {"topic_name": "flipped", "partitions_count": 1,
             "configs": [{"name": "segment.bytes", "value": "1100"}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String value = Base64.getEncoder().encodeToString(new byte[200]);
    for (int b = 0; b < 3; b++) {
      var produced =
          broker.send(
              "POST",
              "/topics/flipped/partitions/0",
              "application/vnd.kafka.binary.v2+json",
              "{\"records\": [{\"value\": \"%s\"}, {\"value\": \"%s\"}]}".formatted(value, value));
      assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);
    }
    Path partitionDir = dataDir.resolve("flipped-0");
    assertThat(partitionDir.resolve("00000000000000000004.log")).exists();
    String crcs = flipTheLastByteOfTheBatchAt(partitionDir.resolve("00000000000000000000.log"), 2);

    var prefix = broker.get("/topics/flipped/partitions/0/records?offset=0&max_bytes=10000000");
    assertThat(prefix.statusCode()).as(prefix.body()).isEqualTo(200);
    assertThat(offsets(json(prefix))).containsExactly(0L, 1L);

    assertError(
        broker.get("/topics/flipped/partitions/0/records?offset=2&max_bytes=10000000"),
        503,
        RestException.KAFKA_RETRIABLE_ERROR,
        "Partition flipped-0",
        "offset 2",
        crcs);
  }

  private static List<Long> offsets(JsonNode records) {
    List<Long> offsets = new ArrayList<>();
    records.forEach(record -> offsets.add(record.get("offset").longValue()));
    return offsets;
  }

  /**
   * Flips the last byte of the batch at {@code baseOffset} in {@code segment} under the running
   * leader, which reads the file; returns the CRCs the batch now shows, as the error must name
   * them.
   */
  private static String flipTheLastByteOfTheBatchAt(Path segment, long baseOffset)
      throws Exception {
    byte[] bytes = Files.readAllBytes(segment);
    int position = 0;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
      if (batch.baseOffset() == baseOffset) {
        int last = position + batch.sizeInBytes() - 1;
        bytes[last] ^= 0x40;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(bytes, last, 1), last);
        }
        RecordBatch flipped =
            RecordBatch.wrap(ByteBuffer.wrap(bytes, position, batch.sizeInBytes()));
        return String.format(
            "stored CRC32C 0x%08x, computed 0x%08x", flipped.checksum(), flipped.computeChecksum());
      }
      position += batch.sizeInBytes();
    }
    throw new AssertionError("no batch at offset " + baseOffset + " in " + segment);
  }
}
