package sluice.actors.producer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.producer.InitProducerIds.Bump;
import sluice.actors.producer.InitProducerIds.Check;
import sluice.actors.producer.InitProducerIds.Decision;
import sluice.actors.producer.InitProducerIds.NewId;
import sluice.actors.producer.InitProducerIds.Refuse;

class InitProducerIdsTest {
  private static final long MARK = 2000;

  private static Decision decide(Long id, Integer epoch) {
    return InitProducerIds.decide(id, epoch == null ? null : epoch.shortValue(), MARK, false);
  }

  private static void assertRefused(Decision decision, String... says) {
    assertThat(decision).isInstanceOf(Refuse.class);
    var error = ((Refuse) decision).error();
    assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(error.message()).contains(says);
  }

  @Test
  void withoutACurrentProducerANewIdIsHandedOut() {
    assertThat(decide(null, null)).isEqualTo(new NewId());
    assertThat(decide(-1L, -1)).as("Kafka's wire: -1 for none").isEqualTo(new NewId());
  }

  @Test
  void aCurrentProducerGetsItsIdWithTheNextEpoch() {
    assertThat(decide(7L, 0)).isEqualTo(new Bump(new ProducerIdAndEpoch(7, (short) 1)));
    assertThat(decide(1999L, 32765))
        .isEqualTo(new Bump(new ProducerIdAndEpoch(1999, (short) 32766)));
  }

  @Test
  void anExhaustedEpochGetsANewId() {
    assertThat(decide(7L, (int) Short.MAX_VALUE - 1)).isEqualTo(new NewId());
    assertThat(decide(7L, (int) Short.MAX_VALUE)).isEqualTo(new NewId());
  }

  @Test
  void anIdAtOrAboveTheKnownMarkIsCheckedThenRefused() {
    assertThat(decide(2000L, 0)).isEqualTo(new Check());
    assertRefused(
        InitProducerIds.decide(2000L, (short) 0, MARK, true),
        "Producer id 2000 was never allocated",
        "below 2000");
    assertThat(InitProducerIds.decide(2000L, (short) 0, 3000, true))
        .isEqualTo(new Bump(new ProducerIdAndEpoch(2000, (short) 1)));
  }

  @Test
  void halfAProducerOrNegativeValuesAreRefusedNamingThem() {
    assertRefused(decide(5L, null), "go together", "producer id 5 and epoch null");
    assertRefused(decide(null, 3), "producer id null and epoch 3");
    assertRefused(decide(-1L, 0), "producer id -1 and epoch 0");
    assertRefused(decide(-5L, 0), "not negative", "-5");
    assertRefused(decide(5L, -3), "not negative", "-3");
  }
}
