package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupError;

/** Answers the group requests a {@link RouteHarness}'s routes send to its {@code groups} probe. */
final class GroupAnswers {
  private final RouteHarness harness;

  GroupAnswers(RouteHarness harness) {
    this.harness = harness;
  }

  /** The next group request, which must be a {@code type}. */
  <T extends GroupRequest<?>> T expect(Class<T> type) {
    GroupGateway.Call call = harness.groups.expectMessageClass(GroupGateway.Call.class);
    assertThat(call.timeoutMs()).isPositive();
    assertThat(call.request()).isInstanceOf(type);
    return type.cast(call.request());
  }

  void describe(GroupRequest.DescribedGroup group) {
    GroupRequest.DescribeGroup describe = expect(GroupRequest.DescribeGroup.class);
    assertThat(describe.groupId()).isEqualTo(group.groupId());
    describe.replyTo().tell(new GroupRequest.DescribeReply(group, null, null));
  }

  void noSuchGroup(String group) {
    GroupRequest.DescribeGroup describe = expect(GroupRequest.DescribeGroup.class);
    assertThat(describe.groupId()).isEqualTo(group);
    describe
        .replyTo()
        .tell(new GroupRequest.DescribeReply(null, GroupError.GROUP_ID_NOT_FOUND, null));
  }

  /**
   * Nothing reached the group gateway: every ask made for an answer was sent before it, so a marker
   * sent now must be the next message.
   */
  void assertNothingSent() {
    var marker =
        new GroupGateway.Call(new GroupRequest.ListGroups(harness.system().ignoreRef()), 1);
    harness.groups.ref().tell(marker);
    harness.groups.expectMessage(marker);
  }
}
