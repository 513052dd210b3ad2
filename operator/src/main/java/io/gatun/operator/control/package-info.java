/**
 * The server side of the control channel (docs/architecture.md, Control channel): forwarders dial
 * in, receive complete, versioned desired-state snapshots and acknowledge the snapshot version they
 * apply.
 *
 * <p>{@link io.gatun.operator.control.DesiredState} holds what every forwarder should run; {@link
 * io.gatun.operator.control.ForwarderFleet} knows who is connected and what each one runs; {@link
 * io.gatun.operator.control.ControlServer} is the gRPC endpoint that joins them.
 */
package io.gatun.operator.control;
