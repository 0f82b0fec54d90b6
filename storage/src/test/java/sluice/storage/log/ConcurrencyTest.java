package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.record.RecordBatch;

/**
 * One writer, readers on other threads and a background thread running retention and compaction at
 * the same time: every slice read must hold whole, valid, contiguous batches, and nothing but an
 * offset that retention just removed may fail.
 */
class ConcurrencyTest {
  @TempDir Path root;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void readsStayValidWhileAppendsRetentionAndCompactionRun() throws InterruptedException {
    var clock = new MutableClock(1_000_000);
    LogConfig config =
        LogConfig.from(
            Map.of(
                "segment.bytes", "2000",
                "cleanup.policy", "compact,delete",
                "retention.bytes", "30000",
                "index.interval.bytes", "200"));
    PartitionLog log = PartitionLog.open(root.resolve("t-0"), config, clock);
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    threads.add(
        thread(
            errors,
            () -> {
              for (int i = 0; i < 1500; i++) {
                log.append(
                    TestBatches.keyed(
                        log.logEndOffset(), clock.millis(), "k" + (i % 50), "v" + i, "x", "y"));
              }
              done.set(true);
            }));
    for (int r = 0; r < 2; r++) {
      threads.add(thread(errors, () -> readUntil(log, done)));
    }
    threads.add(
        thread(
            errors,
            () -> {
              while (!done.get()) {
                log.deleteRetainedSegments();
                log.compact();
              }
            }));
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    log.close();
    assertThat(errors).isEmpty();
    assertThat(log.logEndOffset()).isEqualTo(3000);
    assertThat(log.lastSequence()).isEqualTo(1500);
  }

  private static void readUntil(PartitionLog log, AtomicBoolean done) {
    var random = ThreadLocalRandom.current();
    while (!done.get()) {
      long start = log.logStartOffset();
      long end = log.logEndOffset();
      long offset = start + (end > start ? random.nextLong(end - start) : 0);
      FetchSlice slice;
      try {
        slice = log.read(offset, random.nextInt(1, 5000), end);
      } catch (OffsetOutOfRangeException e) {
        if (offset >= log.logStartOffset()) {
          throw e; // only retention moving the start may explain it
        }
        continue;
      }
      List<RecordBatch> batches = TestBatches.batchesOf(slice.readFully());
      assertThat(batches.size() * RecordBatch.HEADER_SIZE).isLessThanOrEqualTo(slice.sizeInBytes());
      long expected = -1;
      for (RecordBatch batch : batches) {
        batch.ensureValid();
        if (expected >= 0) {
          assertThat(batch.baseOffset()).isEqualTo(expected);
        } else {
          assertThat(batch.lastOffset()).isGreaterThanOrEqualTo(offset);
          assertThat(batch.baseOffset()).isLessThanOrEqualTo(offset);
        }
        expected = batch.nextOffset();
        assertThat(batch.lastOffset()).isLessThan(end);
      }
      TestBatches.listed(log, Math.max(1, log.lastSequence() - 5));
    }
  }

  private static Thread thread(Queue<Throwable> errors, Runnable body) {
    return new Thread(
        () -> {
          try {
            body.run();
          } catch (Throwable t) {
            errors.add(t);
          }
        });
  }
}
