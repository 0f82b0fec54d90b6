package sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterFormationTest {

  @Test
  void aBrokerOnItsOwnIsLeftAsConfigured() {
    Config config = load(Map.of());
    assertThat(ClusterFormation.configure(config)).isSameAs(config);
  }

  @Test
  void theContactPointsBecomeBootstrapsServiceAllOfThemRequired() {
    Config formed =
        ClusterFormation.configure(
            load(
                Map.of(
                    "akka.management.http.port", "8559",
                    "sluice.cluster.contact-points.0", "127.0.0.1:8558",
                    "sluice.cluster.contact-points.1", "127.0.0.1:8559",
                    "sluice.cluster.contact-points.2", "127.0.0.1:8560")));
    assertThat(
            formed.getInt(
                "akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"))
        .isEqualTo(3);
    var endpoints = formed.getConfigList("akka.discovery.config.services.sluice.endpoints");
    assertThat(endpoints.stream().map(e -> e.getString("host") + ":" + e.getInt("port")).toList())
        .containsExactly("127.0.0.1:8558", "127.0.0.1:8559", "127.0.0.1:8560");
    assertThat(
            formed.getBoolean(
                "akka.management.cluster.bootstrap.contact-point-discovery.contact-with-all-contact-points"))
        .as("a new cluster forms only with every contact point in contact")
        .isTrue();
  }

  @Test
  void seedNodesAreRefusedBecauseTheyLetAnIsolatedFirstSeedFormASecondCluster() {
    assertThatThrownBy(
            () ->
                ClusterFormation.configure(
                    load(Map.of("akka.cluster.seed-nodes.0", "akka://sluice@127.0.0.1:25520"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("akka.cluster.seed-nodes is set")
        .hasMessageContaining("sluice.cluster.contact-points");
  }

  @Test
  void aBrokerMissingFromItsOwnContactPointsIsRefused() {
    assertThatThrownBy(
            () ->
                ClusterFormation.configure(
                    load(
                        Map.of(
                            "akka.management.http.port", "9000",
                            "sluice.cluster.contact-points.0", "127.0.0.1:8558",
                            "sluice.cluster.contact-points.1", "127.0.0.1:8559"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:9000")
        .hasMessageContaining("is not among sluice.cluster.contact-points");
  }

  private static Config load(Map<String, String> overrides) {
    return ServerConfig.load(new LaunchArguments("server", java.util.Optional.empty(), overrides));
  }
}
