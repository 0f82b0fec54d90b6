package sluice.bench.groups;

import java.io.IOException;
import java.time.Duration;

/**
 * A thread that drives one {@link GroupMember}: it runs {@code step} again and again until {@link
 * #stop} (a step is one poll and what follows it). A step that throws ends the loop; {@link #check}
 * and {@link #stop} then rethrow it, naming the member. The member must not be used elsewhere while
 * the loop runs. Thread-safe.
 */
final class MemberLoop {

  /** One turn of the loop. */
  interface Step {
    void run(GroupMember member) throws IOException;
  }

  private static final Duration STOP_WAIT = Duration.ofSeconds(60);

  private final GroupMember member;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Exception failure;

  MemberLoop(GroupMember member, Step step) {
    this.member = member;
    this.thread =
        new Thread(
            () -> {
              try {
                while (!stopping) {
                  step.run(member);
                }
              } catch (IOException | RuntimeException e) {
                failure = e;
              }
            },
            "groups-" + member.name());
    thread.setDaemon(true);
  }

  /** Starts driving {@code member} with {@code step}. */
  static MemberLoop start(GroupMember member, Step step) {
    MemberLoop loop = new MemberLoop(member, step);
    loop.thread.start();
    return loop;
  }

  GroupMember member() {
    return member;
  }

  /** Throws the failure that ended the loop, if one did. */
  void check() throws IOException {
    Exception e = failure;
    if (e != null) {
      throw new IOException("member " + member.name() + " failed: " + e.getMessage(), e);
    }
  }

  /** Ends the loop after its current step and waits for it; rethrows a failure. */
  void stop() throws IOException {
    stopping = true;
    try {
      thread.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping member " + member.name(), e);
    }
    if (thread.isAlive()) {
      throw new IOException(
          "member " + member.name() + " did not finish its step within " + STOP_WAIT);
    }
    check();
  }
}
