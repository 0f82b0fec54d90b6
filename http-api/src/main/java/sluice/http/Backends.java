package sluice.http;

import akka.actor.typed.ActorRef;
import java.util.Objects;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupGateway;

/**
 * Everything the HTTP API reaches the broker through: the broker's {@link Gateway} (topics,
 * records, cluster) and its consumer groups' {@link GroupGateway}.
 */
public record Backends(ActorRef<Gateway.Command> gateway, ActorRef<GroupGateway.Command> groups) {
  public Backends {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(groups, "groups");
  }
}
