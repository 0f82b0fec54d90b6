package sluice.actors.broker;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Cluster;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.consumer.InstanceEntity;
import sluice.actors.consumer.InstanceSettings;
import sluice.actors.controller.Controller;
import sluice.actors.controller.ControllerRef;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.PartitionLeaders;
import sluice.actors.group.coordinator.GroupCoordinators;
import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupSettings;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.ClusterIdKey;
import sluice.actors.metadata.ControllerClaimsKey;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.ProducerIdsKey;
import sluice.actors.producer.ProducerIdManager;
import sluice.actors.quorum.BrokerQuorum;

/**
 * Starts a broker inside an ActorSystem that is (or is becoming) a cluster member: the server
 * creates the system with its cluster configuration and joins the cluster, then calls {@link
 * #start}.
 *
 * <p>Order, and why: (1) {@link #checkDataDir} refuses another broker's data and a metadata store
 * outside the data directory; the server may call it before creating the ActorSystem, since
 * Distributed Data opens its LMDB files when the system starts. (2) The broker's {@link
 * MetadataView} starts, before anything that reads it (the partition machinery, the gateway). (3)
 * The broker registers itself in Distributed Data ({@link BrokersKey}) so the controller counts it
 * ({@link Registration}, which also announces its data directory going offline and back). (4) The
 * controller singleton is started (it runs on the oldest broker), which records the cluster id on
 * first start. (5) The broker waits for the cluster id, compares it with {@code meta.properties}
 * (refusing another cluster's data) or writes {@code meta.properties} on first start. (6) Only then
 * are the partition logs and leaders ({@link PartitionRuntime#start()}), the producer id manager
 * and the gateway started.
 *
 * <p>On failure the returned stage fails with the reason ({@link DataDirMismatchException}, a
 * timeout naming what was awaited); the caller should terminate the ActorSystem and exit.
 */
public final class Broker {
  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

  /** The gateway's actor name, under /system. */
  public static final String GATEWAY_NAME = "sluice-gateway";

  /** The producer id manager's actor name, under /system. */
  public static final String PRODUCER_IDS_NAME = "sluice-producer-ids";

  /** The group coordinators' and the groups' front door's actor names, under /system. */
  public static final String GROUP_COORDINATORS_NAME = "sluice-group-coordinators";

  public static final String GROUP_GATEWAY_NAME = "sluice-group-gateway";

  private static final String LMDB_DIR_KEY = "akka.cluster.distributed-data.durable.lmdb.dir";
  private static final String DURABLE_KEYS_KEY = "akka.cluster.distributed-data.durable.keys";

  private Broker() {}

  /**
   * What the server needs from a started broker.
   *
   * @param gateway the front door; also registered with the Receptionist under {@link
   *     Gateway#SERVICE_KEY}
   * @param controller a proxy to the controller singleton
   * @param groups the consumer groups' front door; also registered under {@link
   *     GroupGateway#SERVICE_KEY}
   */
  public record BrokerHandle(
      ActorRef<Gateway.Command> gateway,
      ActorRef<Controller.Command> controller,
      ActorRef<GroupGateway.Command> groups,
      BrokerSettings settings,
      String clusterId) {}

  /**
   * The ActorSystem configuration for a broker: {@code config} with the metadata store (durable
   * Distributed Data) placed in {@code <sluice.data-dir>/metadata}. Use it when {@code config} was
   * resolved without re-resolving reference.conf against the final {@code sluice.data-dir} (as
   * {@code ConfigFactory.defaultReference()} does), so that {@link #checkDataDir} accepts it.
   */
  public static Config brokerConfig(Config config) {
    BrokerSettings settings = BrokerSettings.fromConfig(config);
    return config.withValue(
        LMDB_DIR_KEY, ConfigValueFactory.fromAnyRef(settings.metadataDir().toString()));
  }

  /**
   * Reads the broker settings and checks the data directory before anything opens it.
   *
   * @throws IllegalArgumentException if the metadata store is not configured in the data directory
   *     or a setting is invalid, naming the keys and values
   * @throws DataDirMismatchException if the data directory belongs to another broker id
   */
  public static BrokerSettings checkDataDir(Config config) {
    BrokerSettings settings = BrokerSettings.fromConfig(config);
    Path lmdbDir = Path.of(config.getString(LMDB_DIR_KEY)).toAbsolutePath().normalize();
    if (!lmdbDir.equals(settings.metadataDir())) {
      throw new IllegalArgumentException(
          String.format(
              "%s is %s, but the metadata store must be %s, inside sluice.data-dir; build the"
                  + " configuration with ConfigFactory.load(overrides) so that reference.conf's"
                  + " ${sluice.data-dir} resolves, or set both keys",
              LMDB_DIR_KEY, lmdbDir, settings.metadataDir()));
    }
    List<String> durable = config.getStringList(DURABLE_KEYS_KEY);
    List<String> required = new ArrayList<>(MetadataLayout.DURABLE_KEYS);
    required.addAll(
        List.of(
            ClusterIdKey.KEY.id(),
            ControllerEpochKey.KEY.id(),
            ControllerClaimsKey.KEY.id(),
            ProducerIdsKey.KEY.id()));
    for (String key : required) {
      if (!durable.contains(key)) {
        throw new IllegalArgumentException(
            String.format(
                "%s is %s; it must contain %s so metadata survives a restart",
                DURABLE_KEYS_KEY, durable, key));
      }
    }
    MetaProperties.read(settings.dataDir())
        .ifPresent(meta -> meta.checkBrokerId(settings.dataDir(), settings.brokerId()));
    return settings;
  }

  /**
   * Starts the broker with its partition logs and sharded partition leaders ({@link
   * ShardedPartitions}); the stage completes once the gateway is ready.
   */
  public static CompletionStage<BrokerHandle> start(ActorSystem<?> system) {
    return start(system, null, 0);
  }

  /**
   * As {@link #start(ActorSystem)}, registering the broker's Kafka-protocol listener so that every
   * broker can name it in Metadata answers. The server binds the listener first, so the port is the
   * bound one even when {@code sluice.kafka.port} is 0.
   *
   * @param kafkaHost the host Kafka clients are told to connect to; null for no listener
   * @param kafkaPort the listener's bound port; 0 for no listener
   */
  public static CompletionStage<BrokerHandle> start(
      ActorSystem<?> system, String kafkaHost, int kafkaPort) {
    BrokerSettings settings;
    try {
      settings = BrokerSettings.fromConfig(system.settings().config());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Before the partition machinery, whose lost-leader watch reads it.
    MetadataView.get(system);
    return start(
        system, new ShardedPartitions(system, settings.startTimeout()), kafkaHost, kafkaPort);
  }

  /**
   * Starts the broker with the given partition machinery (stand-ins in tests); the stage completes
   * once the gateway is ready.
   */
  public static CompletionStage<BrokerHandle> start(
      ActorSystem<?> system, PartitionRuntime partitions) {
    return start(system, partitions, null, 0);
  }

  private static CompletionStage<BrokerHandle> start(
      ActorSystem<?> system, PartitionRuntime partitions, String kafkaHost, int kafkaPort) {
    Config config = system.settings().config();
    BrokerSettings settings;
    Optional<MetaProperties> meta;
    GroupSettings groupSettings;
    InstanceSettings instanceSettings;
    try {
      settings = checkDataDir(config);
      groupSettings = GroupSettings.fromConfig(config);
      instanceSettings = InstanceSettings.fromConfig(config);
      meta = MetaProperties.read(settings.dataDir());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    LOG.info(
        "Starting broker {} with data in {} ({})",
        settings.brokerId(),
        settings.dataDir(),
        meta.map(m -> "cluster " + m.clusterId()).orElse("new data directory"));
    MetadataView.get(system);
    // Follows membership from now on, so leaders and the controller find a current view.
    BrokerQuorum.get(system);
    ActorRef<Controller.Command> controller =
        Controller.init(
            system,
            Controller.Settings.fromConfig(config),
            partitions.entities(),
            settings.brokerId(),
            meta.map(MetaProperties::clusterId));
    ControllerRef.get(system).set(controller);
    Registration registration = new Registration(system, settings, kafkaHost, kafkaPort);
    return registration
        .register()
        .thenCompose(registered -> awaitClusterId(system, settings))
        .thenApply(
            clusterId -> {
              checkOrRecord(settings, meta, clusterId);
              PartitionLeaders leaders = partitions.start();
              registration.follow(partitions.dataDirHealth());
              ActorRef<ProducerIdManager.Command> producerIds =
                  system.systemActorOf(
                      ProducerIdManager.create(
                          new ProducerIdManager.Wiring(
                              settings.brokerId(),
                              ProducerIdManager.Settings.fromConfig(config),
                              controller,
                              Clock.systemUTC())),
                      PRODUCER_IDS_NAME,
                      Props.empty());
              ActorRef<Gateway.Command> gateway =
                  system.systemActorOf(
                      Gateway.create(
                          Gateway.Settings.fromConfig(config),
                          controller,
                          producerIds,
                          leaders,
                          clusterId),
                      GATEWAY_NAME,
                      Props.empty());
              ActorRef<GroupGateway.Command> groups =
                  startGroups(system, settings, groupSettings, leaders, controller);
              InstanceEntity.init(
                  system,
                  new InstanceEntity.Wiring(
                      gateway,
                      groups,
                      instanceSettings,
                      Clock.systemUTC(),
                      Cluster.get(system).selfMember().address().getHost().orElse("localhost"),
                      () -> MetadataView.get(system).current()));
              LOG.info("Broker {} started in cluster {}", settings.brokerId(), clusterId);
              return new BrokerHandle(gateway, controller, groups, settings, clusterId);
            });
  }

  /**
   * The coordinators of the {@code __consumer_offsets} partitions this broker leads, and the
   * groups' front door.
   */
  private static ActorRef<GroupGateway.Command> startGroups(
      ActorSystem<?> system,
      BrokerSettings settings,
      GroupSettings groupSettings,
      PartitionLeaders leaders,
      ActorRef<Controller.Command> controller) {
    Clock clock = Clock.systemUTC();
    system.systemActorOf(
        GroupCoordinators.create(
            new GroupCoordinators.Wiring(settings.brokerId(), groupSettings, leaders, clock)),
        GROUP_COORDINATORS_NAME,
        Props.empty());
    return system.systemActorOf(
        GroupGateway.create(
            new GroupGateway.Wiring(
                groupSettings,
                Gateway.Settings.fromConfig(system.settings().config()),
                controller,
                clock,
                null)),
        GROUP_GATEWAY_NAME,
        Props.empty());
  }

  private static void checkOrRecord(
      BrokerSettings settings, Optional<MetaProperties> meta, String clusterId) {
    if (meta.isPresent()) {
      meta.get().checkClusterId(settings.dataDir(), clusterId);
    } else {
      new MetaProperties(MetaProperties.CURRENT_VERSION, settings.brokerId(), clusterId)
          .write(settings.dataDir());
      LOG.info(
          "Recorded broker {} of cluster {} in {}",
          settings.brokerId(),
          clusterId,
          settings.dataDir().resolve(MetaProperties.FILE_NAME));
    }
  }

  /** The cluster id once the controller has recorded it (at once if it already has). */
  private static CompletionStage<String> awaitClusterId(
      ActorSystem<?> system, BrokerSettings settings) {
    CompletableFuture<String> clusterId = new CompletableFuture<>();
    system.systemActorOf(clusterIdWatcher(clusterId), "sluice-cluster-id-watcher", Props.empty());
    return clusterId
        .orTimeout(settings.startTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            failure ->
                CompletableFuture.failedFuture(
                    failure instanceof TimeoutException
                        ? new TimeoutException(
                            "No cluster id was recorded within "
                                + settings.startTimeout()
                                + " (sluice.broker.start-timeout): has this broker joined a"
                                + " cluster (sluice.cluster.contact-points) whose controller is up?")
                        : failure));
  }

  /** Stops the watcher once the promise is kept or given up. */
  private record Stop() implements NoSerializationVerificationNeeded {}

  private static Behavior<Object> clusterIdWatcher(CompletableFuture<String> clusterId) {
    return Behaviors.setup(
        context -> {
          ActorRef<Replicator.SubscribeResponse<LWWRegister<String>>> self =
              context.getSelf().narrow();
          DistributedData.get(context.getSystem())
              .replicator()
              .tell(new Replicator.Subscribe<>(ClusterIdKey.KEY, self));
          clusterId.whenComplete((id, failure) -> context.getSelf().tell(new Stop()));
          return Behaviors.receive(Object.class)
              .onMessage(
                  Replicator.Changed.class,
                  changed -> {
                    @SuppressWarnings("unchecked")
                    LWWRegister<String> register = (LWWRegister<String>) changed.dataValue();
                    clusterId.complete(register.getValue());
                    return Behaviors.same();
                  })
              .onMessage(Stop.class, stop -> Behaviors.stopped())
              .onAnyMessage(other -> Behaviors.same())
              .build();
        });
  }
}
