package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

class WriteOutcomeTest {
  private static final ApiError REFUSED = ApiError.of(ErrorCode.TOPIC_ALREADY_EXISTS, "exists");

  private static ApiError error(WriteOutcome outcome) {
    return outcome.error("Topic 't' is stored", "describe it", Duration.ofSeconds(5), REFUSED);
  }

  @Test
  void onlyARefusedWriteLeavesTheControllersCopyUnchanged() {
    assertThat(new WriteOutcome.Written().stored()).isTrue();
    assertThat(new WriteOutcome.Unconfirmed("t").stored()).isTrue();
    assertThat(new WriteOutcome.NotDurable("s").stored()).isTrue();
    assertThat(new WriteOutcome.Refused("r").stored()).isFalse();
  }

  @Test
  void eachOutcomeMapsToOneRetriableErrorOrTheCallersRefusal() {
    assertThat(error(new WriteOutcome.Written())).isNull();
    ApiError unconfirmed = error(new WriteOutcome.Unconfirmed("UpdateTimeout"));
    assertThat(unconfirmed.code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(unconfirmed.code().retriable()).isTrue();
    assertThat(unconfirmed.message()).contains("Topic 't' is stored", "PT5S", "describe it");
    ApiError notDurable = error(new WriteOutcome.NotDurable("StoreFailure"));
    assertThat(notDurable.code()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR);
    assertThat(notDurable.code().retriable()).isTrue();
    assertThat(notDurable.message()).contains("StoreFailure", "describe it");
    assertThat(error(new WriteOutcome.Refused("r"))).isSameAs(REFUSED);
  }
}
