package sluice.multijvm;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import sluice.multijvm.BrokerClient.PartitionState;

/**
 * A cluster of N brokers, each a real JVM ({@link BrokerProcess}), with broker ids 1..N, data in
 * {@code <dataRoot>/node-K} and its log in {@code <logDir>/broker-K.log}; on loopback ({@link
 * #create}), or each in a network namespace of its own so the test can partition the network
 * ({@link #createPartitionable}, {@link #network()}).
 *
 * <p>Ports are chosen before any broker starts (bound to port 0, noted, released) because every
 * broker must know every broker's contact point ({@code sluice.cluster.contact-points}, as in
 * {@code ./sluice cluster}): the cluster forms once a quorum of them are in contact. A restarted
 * broker keeps its ports, so it comes back at the same cluster address.
 *
 * <p>Every wait has a deadline and polls a condition ({@link #AWAIT} unless given); nothing sleeps
 * a fixed time. Not thread-safe: one test thread drives it. {@link #close()} SIGKILLs whatever
 * still runs.
 */
public final class TestCluster implements AutoCloseable {
  /** The default deadline of every wait on the cluster's state. */
  public static final Duration AWAIT = Duration.ofSeconds(90);

  private static final Duration POLL = Duration.ofMillis(250);

  private final List<BrokerProcess> brokers;
  private final NetworkNamespaces network;

  private TestCluster(List<BrokerProcess> brokers, NetworkNamespaces network) {
    this.brokers = brokers;
    this.network = network;
  }

  /**
   * Starts every broker at once, waits until each is ready and every one lists all of them. The
   * caller closes the cluster (kills what started) if this fails.
   */
  public TestCluster start() throws IOException, InterruptedException {
    for (BrokerProcess broker : brokers) {
      broker.start();
    }
    for (BrokerProcess broker : brokers) {
      broker.awaitReady(BrokerProcess.START_DEADLINE);
    }
    return awaitBrokers(brokers.size());
  }

  /**
   * The brokers of a cluster on loopback, none started yet, each started with {@code overrides}
   * ({@code -Dkey=value}) too.
   */
  public static TestCluster create(int size, Path dataRoot, Path logDir, String... overrides)
      throws IOException {
    checkSize(size);
    int[] ports = freePorts(3 * size);
    var addresses = new ArrayList<BrokerProcess.Address>();
    for (int k = 0; k < size; k++) {
      addresses.add(
          new BrokerProcess.Address("127.0.0.1", ports[k], ports[size + k], ports[2 * size + k]));
    }
    return new TestCluster(brokers(addresses, dataRoot, logDir, null, overrides), null);
  }

  /**
   * The brokers of a cluster each in a network namespace of its own ({@link NetworkNamespaces}),
   * none started yet: {@link #network()} cuts and heals the network between them. Every broker has
   * an address of its own, so all use the same ports.
   */
  public static TestCluster createPartitionable(int size, Path dataRoot, Path logDir)
      throws IOException, InterruptedException {
    checkSize(size);
    NetworkNamespaces network = NetworkNamespaces.create(size);
    var addresses = new ArrayList<BrokerProcess.Address>();
    for (int k = 1; k <= size; k++) {
      addresses.add(new BrokerProcess.Address(network.address(k), 8080, 25520, 8558));
    }
    return new TestCluster(brokers(addresses, dataRoot, logDir, network), network);
  }

  private static void checkSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster needs at least 1 broker, not " + size);
    }
  }

  private static List<BrokerProcess> brokers(
      List<BrokerProcess.Address> addresses,
      Path dataRoot,
      Path logDir,
      NetworkNamespaces network,
      String... overrides) {
    List<String> contactPoints = new ArrayList<>();
    for (int k = 1; k <= addresses.size(); k++) {
      contactPoints.add(
          "-Dsluice.cluster.contact-points." + (k - 1) + "=" + addresses.get(k - 1).contactPoint());
    }
    List<String> arguments = new ArrayList<>(contactPoints);
    arguments.addAll(List.of(overrides));
    List<BrokerProcess> brokers = new ArrayList<>();
    for (int k = 1; k <= addresses.size(); k++) {
      brokers.add(
          new BrokerProcess(
              k,
              dataRoot.resolve("node-" + k),
              logDir.resolve("broker-" + k + ".log"),
              addresses.get(k - 1),
              network == null ? List.of() : network.launcher(k),
              arguments));
    }
    return brokers;
  }

  /**
   * The network between the brokers, to cut and heal.
   *
   * @throws IllegalStateException for a cluster on loopback, which cannot be partitioned
   */
  public NetworkNamespaces network() {
    if (network == null) {
      throw new IllegalStateException(
          "this cluster runs on loopback: start it with ClusterExtension.startPartitionable to"
              + " partition its network");
    }
    return network;
  }

  /** Distinct free loopback ports: all are held open until all are chosen. */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** Broker {@code id} (1-based). */
  public BrokerProcess broker(int id) {
    if (id < 1 || id > brokers.size()) {
      throw new IllegalArgumentException(
          "no broker " + id + " in a cluster of " + brokers.size() + " (ids 1.." + brokers.size());
    }
    return brokers.get(id - 1);
  }

  public List<BrokerProcess> brokers() {
    return List.copyOf(brokers);
  }

  /** Brokers that run and are not paused: the ones that can answer. */
  public List<BrokerProcess> running() {
    return brokers.stream().filter(b -> b.isAlive() && !b.isPaused()).toList();
  }

  /** Any running broker's HTTP API (the lowest id). */
  public BrokerClient http() {
    return running().stream()
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no broker is running"))
        .http();
  }

  /**
   * Waits until every running broker lists exactly {@code count} live brokers, the running ones.
   */
  public TestCluster awaitBrokers(int count) {
    return awaitBrokers(count, AWAIT);
  }

  public TestCluster awaitBrokers(int count, Duration deadline) {
    await("every running broker lists " + count + " brokers")
        .atMost(deadline)
        .pollInterval(POLL)
        .ignoreExceptions()
        .until(
            () -> {
              List<Integer> expected = running().stream().map(BrokerProcess::brokerId).toList();
              return expected.size() == count
                  && running().stream().allMatch(b -> b.http().brokerIds().equals(expected));
            });
    return this;
  }

  /** The broker running the controller, as every running broker reports it once they agree. */
  public BrokerProcess controllerBroker() {
    return broker(awaitController(AWAIT, id -> true));
  }

  /**
   * Waits until every running broker names the same controller and it satisfies {@code accept};
   * returns its id.
   */
  public int awaitController(Duration deadline, Predicate<Integer> accept) {
    AtomicReference<Integer> agreed = new AtomicReference<>();
    await("every running broker names the same, accepted controller")
        .atMost(deadline)
        .pollInterval(POLL)
        .ignoreExceptions()
        .until(
            () -> {
              List<Integer> ids = running().stream().map(b -> b.http().controllerId()).toList();
              if (ids.isEmpty() || ids.stream().distinct().count() != 1) {
                return false;
              }
              agreed.set(ids.get(0));
              return accept.test(ids.get(0));
            });
    return agreed.get();
  }

  /** Waits until the partition, as any running broker describes it, satisfies {@code state}. */
  public PartitionState awaitPartition(
      String topic, int partition, Predicate<PartitionState> state) {
    return awaitPartition(topic, partition, "reaches the expected state", state, AWAIT);
  }

  /**
   * Waits until the partition, as the lowest running broker describes it (v3 partition metadata:
   * leader, epoch, ISR from the controller; HW and log end from the leader), satisfies {@code
   * state}; fails with {@code what} and the last state seen.
   */
  public PartitionState awaitPartition(
      String topic,
      int partition,
      String what,
      Predicate<PartitionState> state,
      Duration deadline) {
    return awaitPartition(null, topic, partition, what, state, deadline);
  }

  /**
   * As {@link #awaitPartition(String, int, String, Predicate, Duration)}, as {@code via} describes
   * it (the lowest running broker if null): on one side of a network partition.
   */
  public PartitionState awaitPartition(
      BrokerProcess via,
      String topic,
      int partition,
      String what,
      Predicate<PartitionState> state,
      Duration deadline) {
    AtomicReference<PartitionState> last = new AtomicReference<>();
    try {
      await("partition " + topic + "-" + partition + " " + what)
          .atMost(deadline)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(
              () -> {
                last.set((via == null ? http() : via.http()).describePartition(topic, partition));
                return state.test(last.get());
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; last seen: " + last.get(), e);
    }
    return last.get();
  }

  /** Waits until the partition has a leader, every replica in the ISR and HW = log end. */
  public PartitionState awaitInSync(String topic, int partition) {
    return awaitPartition(
        topic,
        partition,
        "has a leader, every replica in the ISR and its HW at the log end",
        PartitionState::fullyInSync,
        AWAIT);
  }

  /**
   * Waits until a broker other than {@code before}'s leader leads the partition in a later leader
   * epoch, and that broker runs.
   */
  public PartitionState awaitNewLeader(
      String topic, int partition, PartitionState before, Duration deadline) {
    return awaitPartition(
        topic,
        partition,
        "gets a new leader (not broker %d, epoch above %d)"
            .formatted(before.leader(), before.leaderEpoch()),
        s ->
            s.leader() > 0
                && s.leader() != before.leader()
                && s.leaderEpoch() > before.leaderEpoch()
                && running().stream().anyMatch(b -> b.brokerId() == s.leader()),
        deadline);
  }

  /** Clients of the given brokers that already know the cluster id (for producer threads). */
  public List<BrokerClient> clients(String clusterId, List<BrokerProcess> of) {
    return of.stream().map(b -> new BrokerClient(b.baseUrl(), clusterId)).toList();
  }

  /** Starts every broker that is not running (after a kill), waits for each to be ready. */
  public TestCluster restartStopped() throws IOException, InterruptedException {
    List<BrokerProcess> stopped = brokers.stream().filter(b -> !b.isAlive()).toList();
    for (BrokerProcess broker : stopped) {
      broker.start();
    }
    for (BrokerProcess broker : stopped) {
      broker.awaitReady(BrokerProcess.START_DEADLINE);
    }
    return this;
  }

  /** SIGKILLs every broker. */
  public TestCluster kill9All() throws InterruptedException {
    for (BrokerProcess broker : brokers) {
      if (broker.isAlive()) {
        broker.kill9();
      }
    }
    return this;
  }

  /** Every broker's log, one after another, each under a header naming it. */
  public String logs() {
    var all = new StringBuilder();
    for (BrokerProcess broker : brokers) {
      all.append("==== broker ").append(broker.brokerId()).append(" log (");
      all.append(broker.logFile()).append(") ====\n");
      try {
        all.append(broker.log());
      } catch (IOException e) {
        all.append("cannot read it: ").append(e).append('\n');
      }
    }
    return all.toString();
  }

  @Override
  public void close() {
    try {
      kill9All();
      if (network != null) {
        network.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing the brokers", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete the brokers' network: " + e, e);
    }
  }
}
