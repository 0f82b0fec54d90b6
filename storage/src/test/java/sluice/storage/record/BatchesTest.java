package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static ByteBuffer batch(long baseOffset, int records) {
    RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, baseOffset);
    for (int i = 0; i < records; i++) {
      builder.append(i, null, new byte[] {(byte) i}, List.of());
    }
    return builder.build();
  }

  private static ByteBuffer concat(ByteBuffer... batches) {
    int size = 0;
    for (ByteBuffer b : batches) {
      size += b.remaining();
    }
    ByteBuffer all = ByteBuffer.allocate(size);
    for (ByteBuffer b : batches) {
      all.put(b.duplicate());
    }
    return all.flip();
  }

  private static List<Long> baseOffsets(ByteBuffer buffer) {
    List<Long> offsets = new ArrayList<>();
    for (RecordBatch batch : Batches.iterate(buffer)) {
      batch.ensureValid();
      offsets.add(batch.baseOffset());
    }
    return offsets;
  }

  @Test
  void iteratesConcatenatedBatchesWithoutMovingTheBuffer() {
    ByteBuffer all = concat(batch(0, 3), batch(3, 1), batch(4, 2));
    assertThat(baseOffsets(all)).containsExactly(0L, 3L, 4L);
    assertThat(all.position()).isZero();
    assertThat(baseOffsets(all)).containsExactly(0L, 3L, 4L);
  }

  @Test
  void startsAtTheBuffersPosition() {
    ByteBuffer first = batch(0, 3);
    ByteBuffer all = concat(first, batch(3, 1));
    all.position(first.remaining());
    assertThat(baseOffsets(all)).containsExactly(3L);
  }

  @Test
  void aPartialTrailingBatchEndsTheIterationAtEveryCut() {
    ByteBuffer first = batch(0, 3);
    ByteBuffer all = concat(first, batch(3, 4));
    for (int cut = first.remaining(); cut < all.limit(); cut++) {
      assertThat(baseOffsets(all.slice(0, cut))).as("cut at %d", cut).containsExactly(0L);
    }
    assertThat(baseOffsets(all)).containsExactly(0L, 3L);
    assertThat(baseOffsets(ByteBuffer.allocate(0))).isEmpty();
  }

  @Test
  void aLengthFieldTooSmallForABatchIsCorruptWithItsPosition() {
    ByteBuffer first = batch(0, 3);
    ByteBuffer all = concat(first, batch(3, 1));
    all.putInt(first.remaining() + RecordBatch.LENGTH_OFFSET, 3);
    var iterator = Batches.iterate(all).iterator();
    iterator.next();
    assertThatThrownBy(iterator::hasNext)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("position " + first.remaining())
        .hasMessageContaining("length field 3");
  }
}
