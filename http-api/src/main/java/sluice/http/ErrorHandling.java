package sluice.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.handleExceptions;
import static akka.http.javadsl.server.Directives.handleRejections;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure and rejection into the REST Proxy's JSON error body {@code {"error_code",
 * "message"}} with the matching HTTP status (see {@link RestException} for the codes). Unknown
 * endpoints answer 404 / 404, wrong methods 405 / 405; an unexpected exception answers 500 / 500
 * and is logged with its stack trace.
 */
final class ErrorHandling {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  private ErrorHandling() {}

  static Route handleErrors(Supplier<Route> inner) {
    return handleRejections(rejections(), () -> handleExceptions(exceptions(), inner));
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(failure -> complete(Json.error(toRestException(failure))))
        .build();
  }

  private static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleNotFound(
            extractRequest(
                request ->
                    complete(
                        Json.error(
                            RestException.notFound(
                                "No endpoint %s %s; see the REST Proxy v2/v3 API.",
                                request.method().value(),
                                Params.abbreviate(request.getUri().path()))))))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(ErrorHandling::asJson);
  }

  /** Rewrites the default rejection answers (plain text) as JSON error bodies. */
  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().mediaType().toString().equals("application/json")) {
      StatusCode status = response.status();
      String text = strict.getData().utf8String();
      return Json.error(new RestException(status, status.intValue(), text));
    }
    return response;
  }

  /** The REST error for any failure: unwrapped from future wrappers, mapped by type. */
  static RestException toRestException(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RestException rest) {
      return rest;
    }
    if (cause instanceof EntityStreamSizeException size) {
      return RestException.tooLarge(
          "The request body is larger than %d bytes (sluice.http.max-request-size).", size.limit());
    }
    if (cause instanceof JsonProcessingException json) {
      return Json.malformed(json);
    }
    log.error("Unexpected failure answering a request", cause);
    return new RestException(
        StatusCodes.INTERNAL_SERVER_ERROR, 500, "Internal server error: " + cause);
  }
}
