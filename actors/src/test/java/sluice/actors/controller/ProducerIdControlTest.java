package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.ProducerIdControl.Answer;
import sluice.actors.controller.ProducerIdControl.ConfirmEpoch;
import sluice.actors.controller.ProducerIdControl.Effect;
import sluice.actors.controller.ProducerIdControl.ReadMark;
import sluice.actors.controller.ProducerIdControl.Superseded;
import sluice.actors.controller.ProducerIdControl.WriteMark;

/** The allocation rules of {@link ProducerIdControl}, without actors or Distributed Data. */
class ProducerIdControlTest {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
  private static final int EPOCH = 3;

  private final ProducerIdControl<String> control =
      new ProducerIdControl<>(EPOCH, ProducerIdBlock.SIZE);

  /** Runs one allocation through a store that confirms everything: the request's answer. */
  private static Answer<String> allocate(ProducerIdControl<String> control, String request) {
    List<Effect<String>> effects = control.requested(request);
    var write = (WriteMark<String>) single(effects);
    assertThat(write.request()).isEqualTo(request);
    var confirm = (ConfirmEpoch<String>) single(control.written(written(), WRITE_TIMEOUT));
    assertThat(confirm.block()).isEqualTo(write.block());
    return (Answer<String>) single(control.confirmed(EPOCH));
  }

  private static WriteOutcome written() {
    return new WriteOutcome.Written();
  }

  private static Effect<String> single(List<Effect<String>> effects) {
    assertThat(effects).hasSize(1);
    return effects.get(0);
  }

  @Test
  void theFirstBlockStartsAtZeroAndEachBlockStartsWhereTheLastEnded() {
    assertThat(control.start()).containsExactly(new ReadMark<>());
    assertThat(control.markRead(0)).isEmpty();
    for (int i = 0; i < 3; i++) {
      Answer<String> answer = allocate(control, "broker-" + i);
      assertThat(answer.error()).isNull();
      assertThat(answer.block()).isEqualTo(new ProducerIdBlock(i * 1000L, 1000));
    }
    assertThat(control.next()).isEqualTo(3000);
  }

  @Test
  void aNewControllerContinuesAboveTheStoredMark() {
    control.start();
    control.markRead(7000);
    assertThat(allocate(control, "b").block()).isEqualTo(new ProducerIdBlock(7000, 1000));
  }

  @Test
  void requestsBeforeTheMarkIsReadWaitAndAreAnsweredInOrder() {
    control.start();
    assertThat(control.requested("a")).isEmpty();
    assertThat(control.requested("b")).isEmpty();
    var first = (WriteMark<String>) single(control.markRead(2000));
    assertThat(first.block().firstProducerId()).isEqualTo(2000);
    single(control.written(written(), WRITE_TIMEOUT));
    List<Effect<String>> effects = control.confirmed(EPOCH);
    assertThat(effects).hasSize(2);
    assertThat(effects.get(0)).isEqualTo(new Answer<>("a", new ProducerIdBlock(2000, 1000), null));
    assertThat(((WriteMark<String>) effects.get(1)).block().firstProducerId()).isEqualTo(3000);
    assertThat(((WriteMark<String>) effects.get(1)).request()).isEqualTo("b");
  }

  @Test
  void aRequestWhileAnAllocationRunsWaitsForIt() {
    control.start();
    control.markRead(0);
    assertThat(control.requested("a")).hasSize(1);
    assertThat(control.requested("b")).as("b waits").isEmpty();
  }

  @Test
  void anUnconfirmedWriteIsNotAnsweredAndTheNextBlockStartsAboveIt() {
    control.start();
    control.markRead(0);
    control.requested("a");
    List<Effect<String>> effects =
        control.written(new WriteOutcome.Unconfirmed("UpdateTimeout"), WRITE_TIMEOUT);
    var refused = (Answer<String>) single(effects);
    assertThat(refused.block()).isNull();
    assertThat(refused.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(refused.error().code().retriable()).isTrue();
    assertThat(refused.error().message()).contains("[0..999]", "not handed out");
    assertThat(allocate(control, "a").block().firstProducerId()).isEqualTo(1000);
  }

  @Test
  void aMarkStoredAboveTheBlockMovesTheAllocationUp() {
    control.start();
    control.markRead(0);
    control.requested("a");
    var again = (WriteMark<String>) single(control.markMoved(5000));
    assertThat(again.block()).isEqualTo(new ProducerIdBlock(5000, 1000));
    single(control.written(written(), WRITE_TIMEOUT));
    assertThat(((Answer<String>) single(control.confirmed(EPOCH))).block())
        .isEqualTo(new ProducerIdBlock(5000, 1000));
  }

  @Test
  void anEpochThatCannotBeReadBackLeavesTheBlockUnansweredAndSkipped() {
    control.start();
    control.markRead(0);
    control.requested("a");
    control.written(written(), WRITE_TIMEOUT);
    var refused = (Answer<String>) single(control.unconfirmed("GetFailure"));
    assertThat(refused.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(allocate(control, "a").block().firstProducerId()).isEqualTo(1000);
  }

  @Test
  void aHigherEpochReadBackRefusesEveryWaitingRequestAndReportsTheSuccessor() {
    control.start();
    control.markRead(0);
    control.requested("a");
    control.requested("b");
    control.written(written(), WRITE_TIMEOUT);
    List<Effect<String>> effects = control.confirmed(EPOCH + 1);
    assertThat(effects).hasSize(3);
    for (int i = 0; i < 2; i++) {
      var answer = (Answer<String>) effects.get(i);
      assertThat(answer.block()).isNull();
      assertThat(answer.error().code()).isEqualTo(ErrorCode.STALE_CONTROLLER_EPOCH);
    }
    assertThat(effects.get(2)).isEqualTo(new Superseded<>(EPOCH + 1));
  }

  @Test
  void aFailedReadOfTheMarkRefusesTheWaitingRequestsAndTheNextRequestReadsAgain() {
    control.start();
    control.requested("a");
    var refused = (Answer<String>) single(control.markReadFailed("GetFailure"));
    assertThat(refused.request()).isEqualTo("a");
    assertThat(refused.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(control.requested("b")).containsExactly(new ReadMark<>());
    assertThat(((WriteMark<String>) single(control.markRead(4000))).block().firstProducerId())
        .isEqualTo(4000);
  }

  @Test
  void noBlockIsAnsweredPastTheLastId() {
    control.start();
    control.markRead(Long.MAX_VALUE - 999);
    var refused = (Answer<String>) single(control.requested("a"));
    assertThat(refused.error().code()).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
    assertThat(refused.error().message()).contains("Every producer id has been allocated");
  }

  @Test
  void answersOutOfPhaseAreABug() {
    control.start();
    assertThatThrownBy(() -> control.confirmed(EPOCH))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("READING");
  }

  /**
   * Controllers one after another over a model store (the mark as a max register), each write
   * confirmed or not at random, each controller superseded at a random moment: the answered blocks
   * never overlap, and each controller's blocks follow each other.
   */
  @Property(tries = 300)
  void answeredBlocksNeverOverlapAcrossControllersAndLostWrites(@ForAll long seed) {
    Random random = new Random(seed);
    long stored = 0;
    List<ProducerIdBlock> answered = new ArrayList<>();
    for (int epoch = 1; epoch <= 4; epoch++) {
      ProducerIdControl<Integer> controller =
          new ProducerIdControl<>(epoch, 1 + random.nextInt(50));
      controller.start();
      List<Effect<Integer>> effects = controller.markRead(stored);
      int requests = random.nextInt(12);
      ProducerIdBlock previous = null;
      for (int r = 0; r < requests; r++) {
        effects = new ArrayList<>(effects);
        effects.addAll(controller.requested(r));
        while (!effects.isEmpty()) {
          Effect<Integer> effect = effects.remove(0);
          if (effect instanceof WriteMark<Integer> write) {
            boolean reached = random.nextInt(4) > 0;
            if (reached || random.nextBoolean()) {
              // A write that timed out may still have reached the store.
              stored = Math.max(stored, write.block().nextBlockFirstId());
            }
            effects.addAll(
                controller.written(
                    reached ? written() : new WriteOutcome.Unconfirmed("timeout"), WRITE_TIMEOUT));
          } else if (effect instanceof ConfirmEpoch<Integer>) {
            effects.addAll(
                random.nextInt(6) == 0
                    ? controller.unconfirmed("timeout")
                    : controller.confirmed(epoch));
          } else if (effect instanceof Answer<Integer> answer && answer.block() != null) {
            ProducerIdBlock block = answer.block();
            assertThat(block.nextBlockFirstId())
                .as("seed %d: an answered block is below the stored mark", seed)
                .isLessThanOrEqualTo(stored);
            for (ProducerIdBlock other : answered) {
              assertThat(
                      block.lastProducerId() < other.firstProducerId()
                          || block.firstProducerId() > other.lastProducerId())
                  .as("seed %d: %s overlaps %s", seed, block, other)
                  .isTrue();
            }
            if (previous != null) {
              assertThat(block.firstProducerId())
                  .as("seed %d: blocks of one controller go up", seed)
                  .isGreaterThanOrEqualTo(previous.nextBlockFirstId());
            }
            previous = block;
            answered.add(block);
          }
        }
      }
    }
  }
}
