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

  private ArteryTraffic() {}

  /**
   * The {@code bytes_sent} of every TCP socket with a local or peer port in {@code clusterPorts},
   * by {@code "local peer"} address pair.
   */
  public static Map<String, Long> sample(Set<Integer> clusterPorts) throws IOException {
    Process ss = new ProcessBuilder("ss", "-tinH").redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (ss.waitFor() != 0) {
        throw new IOException("ss -tinH failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading socket counters", e);
    }
    return parse(out, clusterPorts);
  }

  /**
   * Parses {@code ss -tinH} output: a line per socket ({@code State Recv-Q Send-Q Local Peer}),
   * then its indented TCP info with {@code bytes_sent:N}.
   */
  static Map<String, Long> parse(String ssOutput, Set<Integer> clusterPorts) {
    Map<String, Long> sent = new HashMap<>();
    String socket = null;
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
      } else if (socket != null) {
        Matcher m = BYTES_SENT.matcher(line);
        if (m.find()) {
          sent.merge(socket, Long.parseLong(m.group(1)), Long::sum);
        }
      }
    }
    return sent;
  }

  /**
   * Bytes sent between two samples: a socket in both counts its growth; one opened since counts all
   * it sent. A socket closed between the samples is missing from {@code after} and its last bytes
   * are lost (Artery keeps its connections open while the brokers are up).
   */
  public static long delta(Map<String, Long> before, Map<String, Long> after) {
    long total = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long was = before.getOrDefault(e.getKey(), 0L);
      total += e.getValue() >= was ? e.getValue() - was : e.getValue();
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
