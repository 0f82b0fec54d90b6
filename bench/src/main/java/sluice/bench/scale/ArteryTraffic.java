package sluice.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes the brokers sent each other over Artery's TCP transport (Akka 2.6's default, which the
 * brokers use: neither {@code reference.conf} nor {@code application.conf} sets {@code
 * akka.remote.artery.transport}): the kernel's per-socket {@code bytes_sent} counters ({@code ss
 * -tin}) of every TCP socket on this machine with one end on a broker's cluster port. Each Artery
 * connection is two sockets, one per broker, and each counts what its own side sent, so the sum
 * counts every byte once, at its sender: heartbeats, cluster and Distributed Data gossip, majority
 * writes, replication fetches, all framing included. Stateless; thread-safe.
 */
public final class ArteryTraffic {

  private static final Pattern BYTES_SENT = Pattern.compile("\\bbytes_sent:(\\d+)");
  private static final Pattern PID = Pattern.compile("\\bpid=(\\d+)");

  /**
   * One socket's counter.
   *
   * @param pid the process holding the socket, -1 if {@code ss} could not tell
   * @param bytesSent bytes this end has sent since the connection opened
   */
  record Socket(long pid, long bytesSent) {}

  private ArteryTraffic() {}

  /**
   * Every TCP socket with a local or peer port in {@code clusterPorts}, by {@code "local peer"}
   * address pair.
   */
  public static Map<String, Socket> sample(Set<Integer> clusterPorts) throws IOException {
    Process ss = new ProcessBuilder("ss", "-tinpH").redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (ss.waitFor() != 0) {
        throw new IOException("ss -tinpH failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading socket counters", e);
    }
    return parse(out, clusterPorts);
  }

  /**
   * Parses {@code ss -tinpH} output: a line per socket ({@code State Recv-Q Send-Q Local Peer
   * users:(("java",pid=N,fd=M))}), then its indented TCP info with {@code bytes_sent:N}.
   */
  static Map<String, Socket> parse(String ssOutput, Set<Integer> clusterPorts) {
    Map<String, Socket> sockets = new HashMap<>();
    String socket = null;
    long pid = -1;
    for (String line : ssOutput.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0))) {
        String[] f = line.trim().split("\\s+");
        socket =
            f.length >= 5
                    && (clusterPorts.contains(port(f[3])) || clusterPorts.contains(port(f[4])))
                ? f[3] + " " + f[4]
                : null;
        Matcher m = PID.matcher(line);
        pid = m.find() ? Long.parseLong(m.group(1)) : -1;
        if (socket != null) {
          // ss leaves bytes_sent out while it is 0 (the receiving side of a connection).
          sockets.put(socket, new Socket(pid, 0));
        }
      } else if (socket != null) {
        Matcher m = BYTES_SENT.matcher(line);
        if (m.find()) {
          sockets.put(socket, new Socket(pid, Long.parseLong(m.group(1))));
        }
      }
    }
    return sockets;
  }

  /**
   * Bytes sent between two samples: a socket in both counts its growth; one opened since counts all
   * it sent. A socket closed between the samples is missing from {@code after} and its last bytes
   * are lost (Artery keeps its connections open while the brokers are up).
   */
  public static long delta(Map<String, Socket> before, Map<String, Socket> after) {
    return delta(before, after, Set.of());
  }

  /**
   * As {@link #delta(Map, Map)}, counting only the sockets of a connection between two of {@code
   * pids} (both ends' holders in the set, as {@code after} shows them); every socket if {@code
   * pids} is empty.
   */
  public static long delta(Map<String, Socket> before, Map<String, Socket> after, Set<Long> pids) {
    long total = 0;
    for (Map.Entry<String, Socket> e : after.entrySet()) {
      if (!pids.isEmpty()) {
        String[] ends = e.getKey().split(" ");
        Socket counterpart = after.get(ends[1] + " " + ends[0]);
        if (!pids.contains(e.getValue().pid())
            || counterpart == null
            || !pids.contains(counterpart.pid())) {
          continue;
        }
      }
      long now = e.getValue().bytesSent();
      Socket was = before.get(e.getKey());
      long then = was == null ? 0 : was.bytesSent();
      total += now >= then ? now - then : now;
    }
    return total;
  }

  private static int port(String address) {
    try {
      return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
