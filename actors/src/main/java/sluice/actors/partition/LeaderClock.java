package sluice.actors.partition;

/**
 * Where a partition leader reads the time, as Kafka's {@code Time}: the wall clock in milliseconds
 * since 1970 (LogAppendTime, the followers' last caught-up times) and a monotonic count of
 * nanoseconds (the deadlines of appends and parked fetches), which a change of the wall clock does
 * not move. Nothing in this package reads the system clock but {@link #SYSTEM}; tests pass a clock
 * they move by hand.
 *
 * <p>Implementations are safe from any thread.
 */
interface LeaderClock {

  /** The system's clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
  LeaderClock SYSTEM =
      new LeaderClock() {
        @Override
        public long millis() {
          return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
          return System.nanoTime();
        }
      };

  /** Wall-clock milliseconds since 1970. */
  long millis();

  /** Monotonic nanoseconds from an arbitrary origin: only differences mean anything. */
  long nanos();
}
