package sluice.actors.journal;

import akka.actor.setup.Setup;
import java.time.Clock;

/**
 * The clock the broker's {@link Logs} give every partition log they open (segment rolls and
 * retention by time, {@code flush.ms}, delayed file deletion, compaction lags). Extensions take no
 * arguments, so the clock comes with the actor system: put this in its {@code ActorSystemSetup}
 * ({@code ActorSystemSetup.create(BootstrapSetup.create(config), LogsSetup.create(clock))}). A
 * system without it reads the UTC system clock. Immutable.
 */
public final class LogsSetup extends Setup {
  private final Clock clock;

  private LogsSetup(Clock clock) {
    this.clock = clock;
  }

  public static LogsSetup create(Clock clock) {
    return new LogsSetup(clock);
  }

  public Clock clock() {
    return clock;
  }
}
