package sluice.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A network of its own for each broker, so a test can drop every packet between chosen brokers and
 * heal it again: a real network partition, not a pause or a kill.
 *
 * <p>How: broker K runs in network namespace {@code <name>-K} ({@code ip netns exec}) with one veth
 * interface, address {@code 10.213.S.K/24}, plugged into a bridge in the test's own namespace,
 * which has {@code 10.213.S.254} so the test reaches every broker's HTTP API whatever the brokers
 * can or cannot reach. {@link #cut} adds a {@code blackhole} route to the other broker in each of
 * the two namespaces, so nothing goes either way: a packet the kernel would send is discarded at
 * routing, as a cable pulled between them would, while each keeps its other routes. {@link #heal}
 * removes every such route. Needs root (creating namespaces and interfaces) and iproute2's {@code
 * ip}, both on the CI machine; without them {@link #create} fails saying so.
 *
 * <p>Names carry a random suffix, so concurrent or leftover networks never clash; {@link #close}
 * deletes the namespaces (their veth ends go with them) and the bridge.
 */
public final class NetworkNamespaces implements AutoCloseable {
  private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(20);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final int subnet;
  private final int brokers;
  private final Set<List<Integer>> cuts = new HashSet<>();

  private NetworkNamespaces(String name, int subnet, int brokers) {
    this.name = name;
    this.subnet = subnet;
    this.brokers = brokers;
  }

  /** A bridge and {@code brokers} namespaces, each with its address and loopback up. */
  public static NetworkNamespaces create(int brokers) throws IOException, InterruptedException {
    String name = "sl" + Integer.toHexString(0x1000 + RANDOM.nextInt(0xefff));
    var network = new NetworkNamespaces(name, RANDOM.nextInt(256), brokers);
    try {
      network.build();
    } catch (IOException | RuntimeException | Error e) {
      network.close();
      throw e;
    }
    return network;
  }

  private void build() throws IOException, InterruptedException {
    ip("link", "add", bridge(), "type", "bridge");
    ip("addr", "add", "10.213." + subnet + ".254/24", "dev", bridge());
    ip("link", "set", bridge(), "up");
    for (int k = 1; k <= brokers; k++) {
      ip("netns", "add", namespace(k));
      ip(
          "link",
          "add",
          name + "v" + k,
          "type",
          "veth",
          "peer",
          "name",
          "eth0",
          "netns",
          namespace(k));
      ip("link", "set", name + "v" + k, "master", bridge(), "up");
      ip("-n", namespace(k), "addr", "add", address(k) + "/24", "dev", "eth0");
      ip("-n", namespace(k), "link", "set", "eth0", "up");
      ip("-n", namespace(k), "link", "set", "lo", "up");
    }
  }

  /** Broker {@code k}'s address, the one it binds and is reached at. */
  public String address(int k) {
    check(k);
    return "10.213." + subnet + "." + k;
  }

  /** The command prefix that runs a program in broker {@code k}'s namespace. */
  public List<String> launcher(int k) {
    check(k);
    return List.of("ip", "netns", "exec", namespace(k));
  }

  /** Drops every packet between brokers {@code a} and {@code b}, both ways, until healed. */
  public void cut(int a, int b) throws IOException, InterruptedException {
    check(a);
    check(b);
    if (a == b || !cuts.add(List.of(Math.min(a, b), Math.max(a, b)))) {
      return;
    }
    ip("-n", namespace(a), "route", "add", "blackhole", address(b) + "/32");
    ip("-n", namespace(b), "route", "add", "blackhole", address(a) + "/32");
  }

  /** Cuts broker {@code k} off from every other broker (the test still reaches it). */
  public void isolate(int k) throws IOException, InterruptedException {
    for (int other = 1; other <= brokers; other++) {
      if (other != k) {
        cut(k, other);
      }
    }
  }

  /** Removes every cut: all brokers reach each other again. */
  public void heal() throws IOException, InterruptedException {
    for (List<Integer> cut : List.copyOf(cuts)) {
      ip("-n", namespace(cut.get(0)), "route", "del", "blackhole", address(cut.get(1)) + "/32");
      ip("-n", namespace(cut.get(1)), "route", "del", "blackhole", address(cut.get(0)) + "/32");
      cuts.remove(cut);
    }
  }

  /** Deletes the namespaces and the bridge; what does not exist is skipped. */
  @Override
  public void close() throws IOException, InterruptedException {
    var failures = new ArrayList<String>();
    for (int k = 1; k <= brokers; k++) {
      run(List.of("ip", "netns", "del", namespace(k)), failures);
    }
    run(List.of("ip", "link", "del", bridge()), failures);
    cuts.clear();
  }

  private String namespace(int k) {
    return name + "-" + k;
  }

  private String bridge() {
    return name + "br";
  }

  private void check(int k) {
    if (k < 1 || k > brokers) {
      throw new IllegalArgumentException("no broker " + k + " in a network of " + brokers);
    }
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<String>();
    command.add("ip");
    command.addAll(List.of(args));
    var failures = new ArrayList<String>();
    run(command, failures);
    if (!failures.isEmpty()) {
      throw new IOException(
          failures.get(0)
              + " (network partitions need root and iproute2: tests run brokers in network"
              + " namespaces)");
    }
  }

  /** Runs a command; a failure is added to {@code failures} with its output. */
  private static void run(List<String> command, List<String> failures)
      throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      failures.add("cannot run " + String.join(" ", command) + ": " + e.getMessage());
      return;
    }
    if (!process.waitFor(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      failures.add(String.join(" ", command) + " did not finish within " + COMMAND_DEADLINE);
      return;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      failures.add(
          String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.strip());
    }
  }
}
