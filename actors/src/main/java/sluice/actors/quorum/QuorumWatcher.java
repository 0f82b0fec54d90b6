package sluice.actors.quorum;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;

/**
 * The actor behind {@link BrokerQuorum}: subscribed to membership and reachability events, it feeds
 * them to a {@link QuorumRule} and hands each new state to the extension. Events, not {@code
 * Cluster.state()}, which another subscriber updates and can lag the event being handled.
 */
final class QuorumWatcher {
  private QuorumWatcher() {}

  static Behavior<ClusterEvent.ClusterDomainEvent> create(BrokerQuorum quorum, int configured) {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          QuorumRule rule = new QuorumRule(configured, key(cluster.selfMember()));
          cluster.state().getMembers().forEach(m -> rule.member(key(m), m.status()));
          cluster.state().getUnreachable().forEach(m -> rule.reachability(key(m), false));
          quorum.update(rule.state());
          cluster
              .subscriptions()
              .tell(Subscribe.create(context.getSelf().narrow(), ClusterEvent.MemberEvent.class));
          cluster
              .subscriptions()
              .tell(
                  Subscribe.create(
                      context.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
          return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
              .onMessage(
                  ClusterEvent.MemberEvent.class,
                  event -> {
                    rule.member(key(event.member()), event.member().status());
                    quorum.update(rule.state());
                    return Behaviors.same();
                  })
              .onMessage(
                  ClusterEvent.ReachabilityEvent.class,
                  event -> {
                    rule.reachability(
                        key(event.member()), event instanceof ClusterEvent.ReachableMember);
                    quorum.update(rule.state());
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Members are told apart by unique address: a broker restarted on its port is a new member. */
  private static String key(Member member) {
    return member.uniqueAddress().toString();
  }
}
