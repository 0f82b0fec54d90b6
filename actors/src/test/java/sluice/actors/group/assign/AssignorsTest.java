package sluice.actors.group.assign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AssignorsTest {

  @Test
  void theKnownAssignorsAreFoundByTheirNames() {
    assertThat(Assignors.named("uniform")).isInstanceOf(UniformAssignor.class);
    assertThat(Assignors.named("range")).isInstanceOf(RangeAssignor.class);
    assertThat(Assignors.names()).containsExactly("range", "uniform");
  }

  @Test
  void theDefaultIsUniform() {
    assertThat(Assignors.DEFAULT_NAME).isEqualTo("uniform");
    assertThat(Assignors.defaultAssignor().name()).isEqualTo("uniform");
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> Assignors.named("sticky"))
        .isInstanceOf(Assignors.UnknownAssignorException.class)
        .hasMessage("unknown assignor 'sticky'; known assignors: range, uniform");
  }

  @Test
  void aMemberIdTwiceIsRefused() {
    AssignmentMember a = AssignmentMember.of("a", Set.of("t"), Map.of());
    assertThatThrownBy(() -> new GroupSpec(List.of(a, a), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member a appears twice");
  }
}
