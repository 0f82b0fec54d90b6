package sluice.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArteryTrafficTest {

  // Broker 1 (pid 11) listens on 25520 and broker 2 (pid 22) on 25521; 8080 is an HTTP port.
  private static String ss(long oneToTwo, long twoToOne, long http) {
    return "ESTAB 0 0 127.0.0.1:40000 127.0.0.1:25521 users:((\"java\",pid=11,fd=90))\n"
        + "\t cubic wscale:7,7 rto:201 bytes_sent:"
        + oneToTwo
        + " bytes_acked:1 bytes_received:0\n"
        + "ESTAB 0 0 127.0.0.1:25521 127.0.0.1:40000 users:((\"java\",pid=22,fd=91))\n"
        + "\t cubic bytes_sent:0 bytes_received:"
        + oneToTwo
        + "\n"
        + "ESTAB 0 0 127.0.0.1:40001 127.0.0.1:25520 users:((\"java\",pid=22,fd=92))\n"
        + "\t cubic bytes_sent:"
        + twoToOne
        + "\n"
        + "ESTAB 0 0 127.0.0.1:25520 127.0.0.1:40001 users:((\"java\",pid=11,fd=93))\n"
        + "\t cubic bytes_received:"
        + twoToOne
        + "\n"
        + "ESTAB 0 0 127.0.0.1:50000 127.0.0.1:8080 users:((\"java\",pid=33,fd=5))\n"
        + "\t cubic bytes_sent:"
        + http
        + "\n";
  }

  @Test
  void onlySocketsOnAClusterPortCountWithTheirHolder() {
    Map<String, ArteryTraffic.Socket> sockets =
        ArteryTraffic.parse(ss(1000, 300, 777), Set.of(25520, 25521));

    assertThat(sockets).hasSize(4);
    assertThat(sockets.get("127.0.0.1:40000 127.0.0.1:25521"))
        .isEqualTo(new ArteryTraffic.Socket(11, 1000));
    assertThat(sockets).doesNotContainKey("127.0.0.1:50000 127.0.0.1:8080");
  }

  @Test
  void theDeltaCountsEveryByteOnceAtItsSenderAndNewSocketsWhole() {
    Set<Integer> ports = Set.of(25520, 25521);
    Map<String, ArteryTraffic.Socket> before = ArteryTraffic.parse(ss(1000, 300, 0), ports);
    Map<String, ArteryTraffic.Socket> after = ArteryTraffic.parse(ss(1500, 350, 9999), ports);

    assertThat(ArteryTraffic.delta(before, after)).isEqualTo(500 + 50);
    assertThat(ArteryTraffic.delta(Map.of(), after)).isEqualTo(1500 + 350);
  }

  @Test
  void aPairCountsOnlyConnectionsWhoseBothEndsItHolds() {
    Set<Integer> ports = Set.of(25520, 25521);
    Map<String, ArteryTraffic.Socket> before = ArteryTraffic.parse(ss(1000, 300, 0), ports);
    Map<String, ArteryTraffic.Socket> after = ArteryTraffic.parse(ss(1500, 350, 0), ports);

    assertThat(ArteryTraffic.delta(before, after, Set.of(11L, 22L))).isEqualTo(550);
    assertThat(ArteryTraffic.delta(before, after, Set.of(11L, 33L))).isZero();
  }
}
