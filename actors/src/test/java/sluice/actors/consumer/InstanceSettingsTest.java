package sluice.actors.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InstanceSettingsTest {
  private static Config withDefaults(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void defaultsAreKafkasAndTheRestProxys() {
    InstanceSettings s = InstanceSettings.fromConfig(withDefaults(""));
    assertThat(s.maxPollIntervalMs()).isEqualTo(300_000);
    assertThat(s.autoCommitIntervalMs()).isEqualTo(5_000);
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.askTimeout()).isEqualTo(s.callTimeout().plusSeconds(2));
  }

  @Test
  void anInstanceIdlesOutAfterTheCoordinatorsInstanceTimeoutSoBothExpireAlike() {
    InstanceSettings s =
        InstanceSettings.fromConfig(withDefaults("sluice.group.consumer-instance-timeout = 90s"));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aTimeoutThatIsNotPositiveIsRefusedByName() {
    assertThatThrownBy(
            () ->
                InstanceSettings.fromConfig(
                    withDefaults("sluice.consumer-instances.call-timeout = 0s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("call-timeout must be positive");
  }
}
