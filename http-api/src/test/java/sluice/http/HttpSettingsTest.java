package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import sluice.actors.api.Acks;

class HttpSettingsTest {
  private static HttpSettings settings(String overrides) {
    return HttpSettings.fromConfig(
        ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()));
  }

  @Test
  void theReferenceDefaultsAreKafkasAndTheIssues() {
    HttpSettings defaults = settings("");
    assertThat(defaults.port()).isEqualTo(8080);
    assertThat(defaults.acks()).isEqualTo(Acks.ALL);
    assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.defaultMaxMessageBytes()).isEqualTo(1048588);
    assertThat(defaults.maxRequestSize()).isEqualTo(16L << 20);
    assertThat(defaults.consumeMaxBytes()).isEqualTo(1 << 20);
  }

  @Test
  void acksAcceptsKafkasSpellings() {
    assertThat(settings("sluice.http.acks = 0").acks()).isEqualTo(Acks.NONE);
    assertThat(settings("sluice.http.acks = 1").acks()).isEqualTo(Acks.LEADER);
    assertThat(settings("sluice.http.acks = -1").acks()).isEqualTo(Acks.ALL);
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> settings("sluice.http.acks = most"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("sluice.http.acks")
        .hasMessageContaining("'most'");
    assertThatThrownBy(() -> settings("sluice.http.port = 70000"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("sluice.http.port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> settings("sluice.http.request-timeout = 0s"))
        .hasMessageContaining("sluice.http.request-timeout");
    assertThatThrownBy(() -> settings("sluice.http.consume.max-bytes = 128MiB"))
        .hasMessageContaining("sluice.http.consume.max-bytes")
        .hasMessageContaining("max-bytes-limit");
    assertThatThrownBy(() -> settings("sluice.http.stream.produce-parallelism = 0"))
        .hasMessageContaining("sluice.http.stream.produce-parallelism");
  }
}
