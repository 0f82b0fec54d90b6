package sluice.actors.controller;

import akka.cluster.ddata.LWWRegister;
import java.util.function.LongSupplier;

/**
 * The clock of every topic write by a controller: a last-writer-wins timestamp ordered by the
 * writer's controller epoch first and by wall-clock time second, so that when Distributed Data
 * merges two versions of a topic, the one written by the higher controller epoch wins whatever the
 * brokers' clocks say. A superseded controller's late write therefore never overwrites its
 * successor's, on any replica.
 *
 * <p>Timestamp layout (a positive long): bits 62..43 the controller epoch (0 to {@link
 * #MAX_EPOCH}), bits 42..0 milliseconds since 1970 (enough until the year 2248). Within one epoch
 * timestamps strictly increase per topic (the previous timestamp + 1 if the wall clock went back).
 * Topics written before epochs existed (Akka's default clock: plain milliseconds) read as epoch 0.
 *
 * <p>Immutable; safe from any thread.
 */
public final class EpochClock<T> implements LWWRegister.Clock<T> {
  static final int TIME_BITS = 43;
  static final long TIME_MASK = (1L << TIME_BITS) - 1;

  /** The highest controller epoch the layout holds. */
  public static final int MAX_EPOCH = (1 << (Long.SIZE - 1 - TIME_BITS)) - 1;

  private final int epoch;
  private final LongSupplier millis;

  /**
   * @param millis the wall clock, in milliseconds since 1970
   * @throws IllegalArgumentException if {@code epoch} is outside 0..{@link #MAX_EPOCH}
   */
  public EpochClock(int epoch, LongSupplier millis) {
    if (epoch < 0 || epoch > MAX_EPOCH) {
      throw new IllegalArgumentException(
          "controller epoch " + epoch + " is outside 0.." + MAX_EPOCH);
    }
    this.epoch = epoch;
    this.millis = millis;
  }

  public int epoch() {
    return epoch;
  }

  @Override
  public long apply(long currentTimestamp, T value) {
    long now = ((long) epoch << TIME_BITS) | (millis.getAsLong() & TIME_MASK);
    return epochOf(currentTimestamp) == epoch ? Math.max(now, currentTimestamp + 1) : now;
  }

  /** The controller epoch that wrote a value with this timestamp. */
  public static int epochOf(long timestamp) {
    return (int) (timestamp >>> TIME_BITS);
  }
}
