package io.flowmesh.runtime.edge;

import io.vertx.grpc.common.GrpcStatus;

/** An edge failed: a protocol violation or a transport failure, with the gRPC status that says which. */
public final class EdgeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient GrpcStatus status;

  public EdgeException(GrpcStatus status, String message) {
    super(status.name() + ": " + message);
    this.status = status;
  }

  public GrpcStatus status() {
    return status;
  }
}
