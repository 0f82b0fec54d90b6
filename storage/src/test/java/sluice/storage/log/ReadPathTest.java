package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.storage.log.TestBatches.batch;
import static sluice.storage.log.TestBatches.batchesOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sluice.storage.record.RecordBatch;

/**
 * {@link PartitionLog#read} against a model (the list of appended batches) for dense and sparse
 * offset indexes: the read path jumps over indexed batches and reads headers only after the last
 * entry, so each index density takes a different route to the same answer.
 */
class ReadPathTest {
  @TempDir Path root;

  @ParameterizedTest(name = "index.interval.bytes {0}")
  @ValueSource(ints = {1, 200, 700, 4096, 1_000_000})
  void readMatchesTheModelForEveryOffsetFetchSizeAndHighWatermark(int indexInterval) {
    long seed = new Random().nextLong();
    System.out.println("ReadPathTest seed " + seed + ", index.interval.bytes " + indexInterval);
    Random random = new Random(seed);
    PartitionLog log =
        PartitionLog.open(
            root.resolve("t-0"),
            LogConfig.from(Map.of("index.interval.bytes", Integer.toString(indexInterval))),
            new MutableClock(1_000_000));
    List<RecordBatch> model = new ArrayList<>();
    try {
      for (int i = 0; i < 120; i++) {
        RecordBatch b = batch(log.logEndOffset(), 100 + i, 1 + random.nextInt(12));
        log.append(b);
        model.add(b);
      }
      long end = log.logEndOffset();
      for (int i = 0; i < 2_000; i++) {
        long offset = random.nextLong(end + 1);
        int maxBytes = random.nextInt(4) == 0 ? 1 : random.nextInt(3_000);
        long highWatermark = random.nextInt(4) == 0 ? end : offset + random.nextInt(60);
        List<Long> expected = expectedBaseOffsets(model, offset, maxBytes, highWatermark);

        FetchSlice slice = log.read(offset, maxBytes, highWatermark);

        assertThat(batchesOf(slice.readFully()))
            .as("read(%d, %d, %d), seed %d", offset, maxBytes, highWatermark, seed)
            .extracting(RecordBatch::baseOffset)
            .containsExactlyElementsOf(expected);
      }
    } finally {
      log.close();
    }
  }

  /** Whole batches from the one holding {@code offset}: one at least, then while they fit. */
  static List<Long> expectedBaseOffsets(
      List<RecordBatch> model, long offset, int maxBytes, long highWatermark) {
    List<Long> bases = new ArrayList<>();
    int size = 0;
    for (RecordBatch b : model) {
      if (b.lastOffset() < offset) {
        continue;
      }
      if (b.lastOffset() >= highWatermark || (size > 0 && size + b.sizeInBytes() > maxBytes)) {
        break;
      }
      bases.add(b.baseOffset());
      size += b.sizeInBytes();
    }
    return bases;
  }
}
