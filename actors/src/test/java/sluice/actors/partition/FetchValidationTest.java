package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;

class FetchValidationTest {

  @Test
  void limitsNeedPositiveMaxBytesAndANonNegativeWait() {
    assertThat(FetchValidation.limits("A fetch", 1, 0)).isNull();
    assertThat(FetchValidation.limits("A fetch", 0, 0).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(FetchValidation.limits("A replica fetch", 1, -1).message())
        .isEqualTo(
            "A replica fetch needs maxBytes > 0 and maxWaitMs >= 0, not maxBytes=1 and"
                + " maxWaitMs=-1");
  }

  @Test
  void theValidRangeRunsFromTheLogStartToTheLogEndBothIncluded() {
    assertThat(FetchValidation.range("t-0", 3, 3, 9)).isNull();
    assertThat(FetchValidation.range("t-0", 9, 3, 9)).isNull();
    assertThat(FetchValidation.range("t-0", 2, 3, 9).code())
        .isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
    assertThat(FetchValidation.range("t-0", 10, 3, 9).message())
        .isEqualTo(
            "Offset 10 is out of range for partition t-0: valid offsets are 3 (log start) to 9"
                + " (log end)");
  }
}
