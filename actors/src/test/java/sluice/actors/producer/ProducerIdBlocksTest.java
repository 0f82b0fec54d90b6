package sluice.actors.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.controller.ProducerIdBlock;

class ProducerIdBlocksTest {
  private final ProducerIdBlocks blocks = new ProducerIdBlocks();

  @Test
  void withoutABlockThereIsNoIdAndABlockIsWanted() {
    assertThat(blocks.claim()).isEmpty();
    assertThat(blocks.wantsBlock()).isTrue();
    assertThat(blocks.knownMark()).isZero();
  }

  @Test
  void idsComeInOrderAndTheNextBlockIsWantedOnceTheIdAtNinetyPercentIsHandedOut() {
    blocks.accept(new ProducerIdBlock(0, 1000));
    assertThat(blocks.knownMark()).isEqualTo(1000);
    for (long id = 0; id <= 900; id++) {
      assertThat(blocks.wantsBlock()).as("before id %d", id).isFalse();
      assertThat(blocks.claim()).hasValue(id);
    }
    assertThat(blocks.wantsBlock()).as("once id 900 is handed out").isTrue();
    assertThat(blocks.accept(new ProducerIdBlock(5000, 1000))).isTrue();
    assertThat(blocks.wantsBlock()).as("the next block is held").isFalse();
    for (long id = 901; id < 1000; id++) {
      assertThat(blocks.claim()).hasValue(id);
    }
    assertThat(blocks.claim()).as("then the next block").hasValue(5000);
    assertThat(blocks.knownMark()).isEqualTo(6000);
  }

  @Test
  void aThirdBlockIsDroppedAndNoIdIsEverHandedOutTwice() {
    blocks.accept(new ProducerIdBlock(0, 10));
    blocks.accept(new ProducerIdBlock(10, 10));
    assertThat(blocks.accept(new ProducerIdBlock(20, 10))).isFalse();
    assertThat(blocks.knownMark()).as("a dropped block still moves the mark").isEqualTo(30);
    Set<Long> seen = new HashSet<>();
    OptionalLong id;
    while ((id = blocks.claim()).isPresent()) {
      assertThat(seen.add(id.getAsLong())).as("id %d once", id.getAsLong()).isTrue();
    }
    assertThat(seen).hasSize(20);
  }

  @Test
  void aBlockArrivingWhenTheCurrentIsUsedUpBecomesCurrent() {
    blocks.accept(new ProducerIdBlock(0, 2));
    blocks.claim();
    blocks.claim();
    assertThat(blocks.claim()).isEmpty();
    assertThat(blocks.wantsBlock()).isTrue();
    blocks.accept(new ProducerIdBlock(2, 2));
    assertThat(blocks.claim()).hasValue(2);
  }

  @Test
  void theMarkSeenElsewhereOnlyGrows() {
    blocks.markSeen(3000);
    blocks.markSeen(1000);
    assertThat(blocks.knownMark()).isEqualTo(3000);
  }
}
