package sluice.bench.groups;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link StampProducer} on its own thread at a fixed rate: a round (one record per
 * partition) every {@code partitions / rate} seconds; a round that falls behind is not made up in a
 * burst. A round that fails is counted and the next goes on. Thread-safe.
 */
final class StampPacer {

  private final StampProducer producer;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile long failedRounds;
  private volatile String firstError;

  private StampPacer(StampProducer producer, long roundNanos) {
    this.producer = producer;
    this.thread =
        new Thread(
            () -> {
              long next = System.nanoTime();
              while (!stopping) {
                try {
                  producer.sendRound();
                } catch (IOException | RuntimeException e) {
                  failedRounds++;
                  if (firstError == null) {
                    firstError = e.toString();
                  }
                }
                next = Math.max(next + roundNanos, System.nanoTime());
                for (long now = System.nanoTime(); now < next && !stopping; ) {
                  LockSupport.parkNanos(next - now);
                  now = System.nanoTime();
                }
              }
            },
            "groups-stamp-producer");
    thread.setDaemon(true);
  }

  /** Starts sending {@code rate} records a second over {@code partitions} partitions. */
  static StampPacer start(StampProducer producer, double rate, int partitions) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("the rate must be > 0 records/s, got " + rate);
    }
    StampPacer pacer = new StampPacer(producer, (long) (partitions / rate * 1e9));
    pacer.thread.start();
    return pacer;
  }

  /**
   * Stops sending and closes the producer; returns a note on failed rounds and records, empty when
   * none failed.
   */
  String stop() throws IOException {
    stopping = true;
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping the stamp producer", e);
    }
    producer.close();
    if (failedRounds == 0 && producer.failed() == 0) {
      return "";
    }
    return "the light producer lost "
        + failedRounds
        + " rounds and "
        + producer.failed()
        + " records (first error: "
        + firstError
        + ")";
  }
}
