package sluice.server;

import akka.actor.CoordinatedShutdown;

/**
 * The broker's entry point, what {@code ./sluice server} runs: {@code server [--config FILE]
 * [-Dkey=value ...]}. Prints where the broker listens and keeps its data once it is ready; exits
 * with status 2 on a bad argument or setting and 1 when the broker cannot start.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    SluiceServer server;
    try {
      LaunchArguments launch = LaunchArguments.parse(args);
      server = SluiceServer.start(ServerConfig.load(launch));
    } catch (IllegalArgumentException e) {
      System.err.println("sluice: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("sluice: the broker failed to start: " + e.getMessage());
      e.printStackTrace(System.err);
      System.exit(1);
      return;
    }
    System.out.println(server.describe());
    CoordinatedShutdown.get(server.system())
        .addJvmShutdownHook(
            () ->
                System.out.println(
                    "Sluice broker " + server.broker().settings().brokerId() + " stopped"));
  }
}
