package sluice.actors.gateway;

import akka.cluster.Member;
import akka.cluster.MemberStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.AdminRequest.ClusterDescription;
import sluice.actors.api.BrokerInfo;
import sluice.actors.metadata.BrokerRegistration;

/**
 * Describes the cluster as the gateway answers {@link AdminRequest.DescribeCluster}: the live
 * brokers are the registered ones whose cluster member is up, and the controller is the broker of
 * the oldest up member (where the controller singleton runs). Pure.
 */
final class ClusterDescriptions {
  private ClusterDescriptions() {}

  static ClusterDescription describe(
      String clusterId, Iterable<Member> members, Map<Integer, BrokerRegistration> brokers) {
    Map<String, Integer> idsByAddress = new HashMap<>();
    brokers.values().forEach(b -> idsByAddress.put(b.address(), b.brokerId()));
    List<BrokerInfo> live = new ArrayList<>();
    Member oldest = null;
    for (Member member : members) {
      if (!member.status().equals(MemberStatus.up())) {
        continue;
      }
      if (oldest == null || member.isOlderThan(oldest)) {
        oldest = member;
      }
      Integer id = idsByAddress.get(member.address().toString());
      if (id != null) {
        live.add(brokers.get(id).info());
      }
    }
    live.sort(Comparator.comparingInt(BrokerInfo::brokerId));
    int controllerId =
        oldest == null ? -1 : idsByAddress.getOrDefault(oldest.address().toString(), -1);
    return new ClusterDescription(clusterId, controllerId, List.copyOf(live));
  }
}
