package sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {

  private static final List<String> ALLOWED = List.of("records", "url");

  @Test
  void givenOptionsOverrideDefaultsAndUnderscoresGroupDigits() {
    Args args = Args.parse(new String[] {"--records", "1_000_000"}, ALLOWED);

    assertThat(args.longValue("records", 5)).isEqualTo(1_000_000L);
    assertThat(args.string("url", "http://x")).isEqualTo("http://x");
    assertThat(args.has("url")).isFalse();
  }

  @Test
  void unknownOptionsMissingValuesAndBadNumbersAreNamed() {
    assertThatThrownBy(() -> Args.parse(new String[] {"--bogus", "1"}, ALLOWED))
        .hasMessageContaining("--bogus")
        .hasMessageContaining("--records, --url");
    assertThatThrownBy(() -> Args.parse(new String[] {"--url"}, ALLOWED))
        .hasMessageContaining("--url needs a value");
    assertThatThrownBy(
            () -> Args.parse(new String[] {"--records", "-3"}, ALLOWED).longValue("records", 1))
        .hasMessageContaining("'-3'");
  }
}
