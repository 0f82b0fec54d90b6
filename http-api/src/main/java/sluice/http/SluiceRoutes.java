package sluice.http;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.withRequestTimeout;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Route;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import scala.concurrent.duration.FiniteDuration;
import sluice.actors.gateway.Gateway;

/**
 * The whole HTTP API as one {@link Route} for the server to bind: the REST Proxy v3 API under
 * {@code /v3} ({@link V3Routes}, consumer groups {@link V3GroupRoutes}), the v2 API and
 * consume-by-partition under {@code /topics} ({@link V2Routes}), the v2 consumer instances under
 * {@code /consumers} ({@link ConsumerInstanceRoutes}), every error as JSON ({@link ErrorHandling}).
 *
 * <p>The API reaches the broker only through the {@link Gateway} and {@code GroupGateway} protocols
 * and the consumer instances' {@code InstanceCommand} protocol ({@link Backends}). A request that
 * has not started answering after {@code request-timeout} plus {@link #TIMEOUT_MARGIN} gets 503;
 * streamed answers (streamed produce, live consume) are not limited once started.
 */
public final class SluiceRoutes {
  /** What the HTTP request timeout adds to {@code request-timeout}, for the asks' own grace. */
  static final Duration TIMEOUT_MARGIN = GatewayClient.FETCH_GRACE.plusSeconds(5);

  private SluiceRoutes() {}

  public static Route routes(ActorSystem<?> system, Backends backends, HttpSettings settings) {
    return routes(system, backends, settings, Clock.systemUTC());
  }

  /**
   * As {@link #routes(ActorSystem, Backends, HttpSettings)}, aging cached topics on {@code clock}.
   */
  static Route routes(
      ActorSystem<?> system, Backends backends, HttpSettings settings, Clock clock) {
    GatewayClient client = new GatewayClient(system, backends.gateway(), settings, clock);
    V3Routes v3 = new V3Routes(client);
    V3GroupRoutes v3Groups =
        new V3GroupRoutes(client, new GroupClient(system, backends.groups(), settings));
    V2Routes v2 = new V2Routes(client);
    InstanceClient instances = new InstanceClient(system, backends.instances(), settings);
    ConsumerInstanceRoutes consumers =
        new ConsumerInstanceRoutes(
            instances, settings, new InstanceStream(instances, settings, system));
    Duration timeout = settings.requestTimeout().plus(TIMEOUT_MARGIN);
    return ErrorHandling.handleErrors(
        () ->
            withRequestTimeout(
                FiniteDuration.create(timeout.toMillis(), TimeUnit.MILLISECONDS),
                request ->
                    Json.error(
                        RestException.noAnswer(
                            request.method().value()
                                + " "
                                + Params.abbreviate(request.getUri().path()),
                            timeout)),
                () -> concat(v3.route(), v3Groups.route(), v2.route(), consumers.route())));
  }
}
