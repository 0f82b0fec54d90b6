package sluice.actors.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfiguredBrokersTest {

  @Test
  void aBrokerOnItsOwnIsItsOwnQuorum() {
    var alone = ConfiguredBrokers.fromConfig(ConfigFactory.load());
    assertThat(alone.count()).isEqualTo(1);
    assertThat(alone.quorum()).isEqualTo(1);
    assertThat(alone.isQuorum(1)).isTrue();
  }

  @Test
  void theQuorumIsAMajorityOfTheConfiguredBrokers() {
    assertThat(brokers(2).quorum()).isEqualTo(2);
    assertThat(brokers(3).quorum()).isEqualTo(2);
    assertThat(brokers(4).quorum()).isEqualTo(3);
    assertThat(brokers(5).quorum()).isEqualTo(3);
    assertThat(brokers(3).isQuorum(1)).isFalse();
    assertThat(brokers(3).isQuorum(2)).isTrue();
  }

  @Test
  void aMalformedOrRepeatedContactPointIsRefusedByName() {
    assertThatThrownBy(() -> new ConfiguredBrokers(List.of("127.0.0.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'127.0.0.1' is not host:port");
    assertThatThrownBy(() -> new ConfiguredBrokers(List.of("host:99999")))
        .hasMessageContaining("'host:99999' is not host:port");
    assertThatThrownBy(() -> new ConfiguredBrokers(List.of("a:1", "a:1")))
        .hasMessageContaining("lists a broker twice");
  }

  private static ConfiguredBrokers brokers(int n) {
    return new ConfiguredBrokers(
        java.util.stream.IntStream.rangeClosed(1, n)
            .mapToObj(k -> "10.0.0." + k + ":8558")
            .toList());
  }
}
