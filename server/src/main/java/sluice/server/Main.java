package sluice.server;

import sluice.actors.broker.DataDirMismatchException;

/**
 * The broker's entry point, what {@code ./sluice server} runs: {@code server [--config FILE]
 * [-Dkey=value ...]}. Prints where the broker listens and keeps its data once it is ready; exits
 * with status 2 on a bad argument or setting (or a data directory of another broker or cluster) and
 * 1 when the broker cannot start. When the cluster downs the broker it starts again in-process and
 * rejoins ({@link BrokerRunner}); SIGTERM stops it for good.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    BrokerRunner runner;
    try {
      LaunchArguments launch = LaunchArguments.parse(args);
      runner =
          new BrokerRunner(
              ServerConfig.load(launch), SluiceServer::start, Main::announce, Main::stopped);
    } catch (IllegalArgumentException e) {
      System.err.println("sluice: " + e.getMessage());
      System.exit(2);
      return;
    }
    BrokerRunner.Outcome outcome;
    try {
      outcome = runner.run();
    } catch (IllegalArgumentException | DataDirMismatchException e) {
      System.err.println("sluice: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("sluice: the broker failed to start: " + e.getMessage());
      e.printStackTrace(System.err);
      System.exit(1);
      return;
    }
    if (outcome == BrokerRunner.Outcome.RESTART_FAILED) {
      System.err.println("sluice: the cluster downed the broker and it could not be restarted");
      System.exit(1);
    }
  }

  /** Prints where a (re)started broker listens. */
  private static void announce(SluiceServer server) {
    System.out.println(server.describe());
  }

  private static void stopped(SluiceServer server) {
    System.out.println("Sluice broker " + server.broker().settings().brokerId() + " stopped");
  }
}
