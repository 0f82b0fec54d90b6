package sluice.bench.failover;

import java.io.IOException;

/**
 * A producer for the stall measurement: it sends records numbered 0, 1, 2, ... (values from {@link
 * SequencedValue}) to partition 0 of one topic with acks=all, at a fixed rate with a bounded number
 * of records in flight, records every acknowledgement in an {@link AckTimeline}, and retries what
 * fails until it is stopped. {@link #start} returns at once; {@link #stop} stops sending and waits
 * for what is in flight to be acknowledged or to fail.
 */
public interface StallProducer {

  /** Starts sending on background threads, recording into {@code timeline}. */
  void start(AckTimeline timeline) throws IOException;

  /**
   * Records handed to the client so far: every record numbered from this value on is sent later.
   * Safe from any thread.
   */
  long sent();

  /** Stops sending and waits for the records in flight; returns how many records were sent. */
  long stop() throws IOException;
}
